// The accept queue our server listens with (`listenBacklog` in config/default.json, LISTEN_BACKLOG): every
// baseline listens with the same one, so in a connection storm both sides queue handshakes alike.
import defaults from '../../config/default.json'

export const listenBacklog = () => Number(process.env.LISTEN_BACKLOG ?? defaults.listenBacklog)
