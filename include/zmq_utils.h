/*
 * zmq_utils.h -- kept only so that older programs which still include it
 * keep compiling.  libzmq moved every utility declaration (stopwatch,
 * sleep, threads, Z85, ...) into zmq.h long ago, so this header simply
 * forwards there and adds nothing of its own.
 */

#ifndef FERROZMQ_ZMQ_UTILS_H_INCLUDED
#define FERROZMQ_ZMQ_UTILS_H_INCLUDED

#include "zmq.h"

#endif /* FERROZMQ_ZMQ_UTILS_H_INCLUDED */
