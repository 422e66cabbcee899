// realtime/transport-listeners.ts removes the channel-leaving listeners transport-commons adds, and says so
// loudly when there are none to remove (transport-commons changed).
import assert from 'node:assert/strict'
import { feathers } from '@feathersjs/feathers'
import socketio from '@feathersjs/socketio'
import { withoutTransportChannelLeaving } from '../src/realtime/transport-listeners'

describe('transport listeners', () => {
  it("removes exactly the disconnect/logout listeners the Socket.IO transport adds, keeping the app's own", () => {
    const app = feathers() as any
    const own = () => undefined
    app.on('disconnect', own)
    withoutTransportChannelLeaving(app, () => app.configure(socketio()))
    assert.deepEqual(app.listeners('disconnect'), [own])
    assert.deepEqual(app.listeners('logout'), [])
  })

  it('throws when the transport added no such listener (its channel handling changed)', () => {
    const app = feathers() as any
    assert.throws(
      () => withoutTransportChannelLeaving(app, () => undefined),
      /added no 'disconnect' listener/
    )
  })
})
