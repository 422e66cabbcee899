// Events per second per Socket.IO connection. A call over the budget is answered at once, through its
// acknowledgement, with a 429 TooManyRequests (`data.retryAfter`): the Feathers client's promise rejects
// with it instead of timing out, and the call never reaches a service.
import type { Socket } from 'socket.io'
import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Application } from '../declarations'
import { tooManyRequests } from '../errors'

export const limitSocketEvents =
  (app: Application, socket: Socket) => (packet: unknown[], next: (error?: Error) => void) => {
    app
      .get('rateLimiters')
      .socketEvents.consume(socket.id)
      .then(
        () => next(),
        (error) => {
          if (!(error instanceof RateLimiterRes)) return next(error)
          const ack = packet[packet.length - 1]
          if (typeof ack === 'function') ack(tooManyRequests(error).toJSON())
        }
      )
  }
