// The HS256 secret when none is configured. Outside production a missing JWT_SECRET (or the published example
// one from `.env.example`) is replaced by a random secret kept in the data folder, so a first start is
// safe on any interface and tokens survive a restart. Production refuses to start instead (configuration.ts).
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { EXAMPLE_JWT_SECRET } from '../configuration'

export const isUnsetSecret = (secret: string | undefined) => !secret || secret === EXAMPLE_JWT_SECRET

/** Reads `<dataDir>/jwt-secret`, creating it (mode 0600, in a 0700 folder) on first use. */
export const localJwtSecret = (dataDir: string) => {
  const dir = path.resolve(dataDir)
  const file = path.join(dir, 'jwt-secret')
  let secret: string
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    try {
      // 'wx': when two processes start at once, one creates the file and the other reads it.
      fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' })
    } catch (error: any) {
      if (error.code !== 'EEXIST') throw error
    }
    if (fs.statSync(file).mode & 0o077) fs.chmodSync(file, 0o600) // readable by the owner only
    secret = fs.readFileSync(file, 'utf8').trim()
  } catch (error: any) {
    throw new Error(
      `JWT_SECRET is not set and no secret can be kept in ${file} (${error.message}): ` +
        'set JWT_SECRET, or DATA_DIR to a writable folder',
      { cause: error }
    )
  }
  if (secret.length < 32)
    throw new Error(`${file} does not hold a usable JWT secret; delete it to get a new one`)
  return { secret, file }
}

/** Puts the generated secret in place of a missing one; answers the file it came from, if it did. */
export const useLocalSecretIfUnset = (settings: Record<string, any>): string | undefined => {
  if (settings.env === 'production' || !isUnsetSecret(settings.authentication.secret)) return undefined
  const { secret, file } = localJwtSecret(settings.dataDir)
  settings.authentication = { ...settings.authentication, secret }
  return file
}
