// transport-commons leaves *every* channel on disconnect and logout through a combined channel of all of
// them (O(all connections) each time); realtime/connections.ts leaves exactly the channels a connection
// joined. So the listeners transport-commons adds for those two events are removed again.
import type { Application } from '../declarations'

const EVENTS = ['disconnect', 'logout'] as const

/**
 * Runs `configureTransport` (the Socket.IO configure call) and removes the `disconnect`/`logout` listeners
 * it added. Throws when it added none: transport-commons then changed how it leaves channels, and the
 * removal would silently do nothing while every disconnect walked all connections again.
 */
export const withoutTransportChannelLeaving = (app: Application, configureTransport: () => void) => {
  const before = Object.fromEntries(EVENTS.map((event) => [event, app.listeners(event)]))
  configureTransport()
  for (const event of EVENTS) {
    const added = app.listeners(event).filter((listener) => !before[event].includes(listener))
    if (added.length === 0)
      throw new Error(`transport-commons added no '${event}' listener: its channel handling changed`)
    for (const listener of added) app.removeListener(event, listener as (...args: any[]) => void)
  }
}
