import assert from 'node:assert/strict'
import path from 'node:path'
// What every answer to client input must look like (issue 11): never a 5xx, a refusal in the Feathers error
// shape whose code is the HTTP status, and nothing of the server's insides (a stack, a file path).

const projectRoot = path.resolve(__dirname, '..').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** A stack frame, a source file with a line number, the path of a module, or any path inside the project. */
export const STACK = new RegExp(
  `\\n\\s+at |\\bat .*\\(.*:\\d+:\\d+\\)|node_modules/|/src/|\\.ts:\\d|${projectRoot}`
)

export const assertClientError = (label: string, status: number, body: any, text: string) => {
  assert.ok(status < 500, `${label}: answered ${status} ${text.slice(0, 300)}`)
  assert.doesNotMatch(text, STACK, `${label}: the answer carries a stack or a file path`)
  if (status >= 400) {
    assert.equal(
      typeof body?.name,
      'string',
      `${label}: ${status} without an error name: ${text.slice(0, 200)}`
    )
    assert.equal(typeof body?.message, 'string', `${label}: no error message`)
    assert.equal(body.code, status, `${label}: code ${body.code} is not the status ${status}`)
    assert.equal(typeof body.className, 'string', `${label}: no className`)
  }
}
