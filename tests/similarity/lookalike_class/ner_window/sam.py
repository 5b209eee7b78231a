# ner_window.py  (Sam's version)
import numpy as np

def stable_sigmoid( values ):
    # numerically safe logistic
    values = np.asarray( values, dtype = float )
    result = np.empty_like( values )
    nonneg = values >= 0
    result[ nonneg ] = 1 / ( 1 + np.exp( -values[ nonneg ] ) )
    expd = np.exp( values[ ~nonneg ] )
    result[ ~nonneg ] = expd / ( 1 + expd )
    return result

def window_vectors( windows, L ):
    ids = np.asarray( windows )
    return np.concatenate( [ L[ ids[ :, col ] ] for col in range( ids.shape[ 1 ] ) ],
                           axis = 1 )

def window_vectors_backward( windows, dX, V ):
    ids = np.asarray( windows )
    chunks = np.split( dX, ids.shape[ 1 ], axis = 1 )
    grad_L = np.zeros( ( V, chunks[ 0 ].shape[ 1 ] ) )
    for col, chunk in enumerate( chunks ):
        np.add.at( grad_L, ids[ :, col ], chunk )   # accumulate repeated words
    return grad_L

def score( x, W, b, u ):
    return float( np.einsum( 'h,h->', u,
                             stable_sigmoid( np.einsum( 'hd,d->h', W, x ) + b ) ) )

def score_grads( x, W, b, u ):
    hid = stable_sigmoid( np.einsum( 'hd,d->h', W, x ) + b )
    delta = u * hid * ( 1 - hid )
    return ( np.einsum( 'hd,h->d', W, delta ),
             np.einsum( 'h,d->hd', delta, x ),
             delta,
             hid )

def ner_loss_and_grads( X, y, W, b, u ):
    num = len( y )
    z = np.einsum( 'nd,hd->nh', X, W ) + b
    hid = stable_sigmoid( z )
    s = np.einsum( 'nh,h->n', hid, u )
    prob = stable_sigmoid( s )
    tiny = 1e-12
    loss = -np.mean( y * np.log( prob + tiny )
                     + ( 1 - y ) * np.log( 1 - prob + tiny ) )
    upstream = ( prob - y ) / num
    grad_u = np.einsum( 'n,nh->h', upstream, hid )
    delta = np.einsum( 'n,h->nh', upstream, u ) * hid * ( 1 - hid )
    grad_W = np.einsum( 'nh,nd->hd', delta, X )
    grad_b = np.einsum( 'nh->h', delta )
    grad_X = np.einsum( 'nh,hd->nd', delta, W )
    return float( loss ), grad_X, grad_W, grad_b, grad_u
