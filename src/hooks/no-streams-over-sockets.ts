// App-wide guard behind `restOnly`: a stream result never goes to a non-HTTP client, even from a service
// that forgot the hook. Socket.IO would serialize the stream object itself (its disk path included) and
// nobody would ever read or close it, leaking its file descriptor. The stream is destroyed and the call
// answers 405 like `restOnly` would have.
import { MethodNotAllowed } from '@feathersjs/errors'
import type { HookContext, NextFunction } from '../declarations'

const isStream = (value: any) =>
  typeof value?.pipe === 'function' ||
  (typeof ReadableStream !== 'undefined' && value instanceof ReadableStream)

export const noStreamsOverSockets = async (context: HookContext, next: NextFunction) => {
  await next()
  const { provider } = context.params
  if (!provider || provider === 'rest' || !isStream(context.result)) return
  const stream: any = context.result
  context.result = undefined
  if (typeof stream.destroy === 'function') stream.destroy()
  else void stream.cancel?.()
  throw new MethodNotAllowed(`${context.path} answers a byte stream, available only over HTTP (REST)`, {
    transport: provider
  })
}
