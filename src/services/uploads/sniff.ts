// Keeps the first bytes of an upload while it streams to storage, to sniff its type afterwards
// (file-type's fromBuffer). file-type's own stream wrapper waits for a 'readable' event that an empty or
// already-destroyed stream never emits, which left such uploads hanging forever with their slot taken.
import { pipeline, Transform, type Readable } from 'node:stream'

/** What file-type reads at most to recognise a type (its `reasonableDetectionSizeInBytes`). */
const SNIFF_BYTES = 4100

/** The stream to store (source errors and aborts pass through to it) and the head it saw. */
export const captureHead = (source: Readable) => {
  const chunks: Buffer[] = []
  let kept = 0
  const capture = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (kept < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - kept)
        chunks.push(part)
        kept += part.length
      }
      callback(null, chunk)
    }
  })
  // The callback is required; failures surface through `capture`, which pipeline destroys with the error.
  const stream = pipeline(source, capture, () => undefined)
  return { stream, head: () => Buffer.concat(chunks) }
}
