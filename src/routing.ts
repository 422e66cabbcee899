// Feathers' router (transport-commons `RouteNode`) keeps each node's children in a plain object, so a path
// segment named after an Object.prototype member (`constructor`, `__proto__`, `toString`) finds an inherited
// function where it expects a child node, and the lookup throws: a 500 on REST and a stack trace in the
// Socket.IO acknowledgement. With prototype-less children such a segment is an ordinary id or route param.
import type { RouteNode } from '@feathersjs/transport-commons/lib/routing/router'
import type { Application } from './declarations'

const harden = (node: RouteNode) => {
  if (Object.getPrototypeOf(node.children) !== null) {
    node.children = Object.assign(Object.create(null), node.children)
  }
  Object.values(node.children).forEach(harden)
  node.placeholders.forEach(harden)
}

/** Throws at boot if the router's internals changed so that hardening no longer takes effect. */
const assertHardened = (app: Application) => {
  for (const path of ['constructor', '__proto__/x', 'api/toString', 'api/users/hasOwnProperty/x']) {
    try {
      app.lookup(path)
    } catch (error) {
      throw new Error(`prototypeSafeRoutes did not take effect: looking up "${path}" throws`, {
        cause: error
      })
    }
  }
}

/** Configure after `rest()`/`socketio()` (which install the router): re-hardens after every `app.use`. */
export const prototypeSafeRoutes = (app: Application) => {
  harden(app.routes.root)
  // Mixins run in order on every registration, so this runs after the router inserted the new service.
  app.mixins.push(() => {
    harden(app.routes.root)
    assertHardened(app)
  })
}
