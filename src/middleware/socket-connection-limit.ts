// New Socket.IO connections per client address per minute (rate-limiter-flexible, in Redis when configured, so
// every instance counts together). Over the budget the handshake is refused: the client's `connect_error` has the
// message and `data` ({ name: 'TooManyRequests', code: 429, data: { retryAfter } }).
import type { Socket } from 'socket.io'
import { RateLimiterRes } from 'rate-limiter-flexible'
import type { Application } from '../declarations'
import { tooManyRequests } from '../errors'
import { socketClientIp } from './client-ip'

export const limitConnectionsPerIp =
  (app: Application) => (socket: Socket, next: (error?: Error) => void) => {
    const ip = socketClientIp(socket, app.get('trustProxy'))
    app
      .get('rateLimiters')
      .connectionsByIp.consume(ip)
      .then(
        () => next(),
        (error) => {
          // Anything but a spent budget (a failing store) admits: the limiter must not take the service down.
          if (!(error instanceof RateLimiterRes)) return next()
          const refusal = tooManyRequests(error)
          next(Object.assign(new Error(refusal.message), { data: refusal.toJSON() }))
        }
      )
  }
