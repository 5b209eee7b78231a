# expect: total=0 all=timeout
"""Never finishes importing."""
while True:
    pass
