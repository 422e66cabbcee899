// Registers the upload storage (local disk under UPLOAD_DIR) as `app.get('storage')`.
import path from 'node:path'
import type { Application } from '../declarations'
import { LocalDiskStorage } from './local-disk'
import type { Storage } from './storage'

declare module '../declarations' {
  interface Configuration {
    storage: Storage
  }
}

export const storage = (app: Application) => {
  app.set('storage', new LocalDiskStorage(path.resolve(app.get('uploads').dir)))
}
