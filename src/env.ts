// Loads `.env` (if present) and points node-config at our `config/` folder. This module must be imported
// before anything that imports `@feathersjs/configuration`, because node-config reads the environment once,
// when it is first required.
import fs from 'node:fs'
import path from 'node:path'
import dotenv from 'dotenv'

dotenv.config({ quiet: true })

/** The folder holding `config/default.json`, found by walking up from this file (works from src/ and lib/src/). */
export const findConfigDir = (start = __dirname): string => {
  let dir = start
  while (!fs.existsSync(path.join(dir, 'config', 'default.json'))) {
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`config/default.json not found above ${start}`)
    dir = parent
  }
  return path.join(dir, 'config')
}

export const projectRoot = path.dirname(findConfigDir())

process.env.NODE_CONFIG_DIR ??= findConfigDir()
// node-config warns when NODE_ENV names a file that does not exist (e.g. "development"); that is expected here.
process.env.SUPPRESS_NO_CONFIG_WARNING ??= 'true'
