from .fc_net import *
