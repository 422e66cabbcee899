// The Docker files, checked without a Docker engine: `docker-compose config` (Debian's docker-compose)
// validates and normalizes docker-compose.yml, and the Dockerfile and .dockerignore are read as text.
// With CI=true a missing docker-compose is a failure (.ci/run installs it); elsewhere those tests skip.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'

const root = path.join(__dirname, '..')

const compose = (args: string[], env: Record<string, string | undefined>) =>
  spawnSync('docker-compose', args, {
    cwd: root,
    env: { ...process.env, JWT_SECRET: undefined, ...env },
    encoding: 'utf8'
  })

const hasCompose = () => spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0

const requireCompose = function (this: Mocha.Context) {
  if (hasCompose()) return
  if (process.env.CI === 'true')
    throw new Error('CI=true but docker-compose is not installed (apt-get install docker-compose)')
  console.log('    (skipped: docker-compose is not installed)')
  this.skip()
}

/** The normalized compose file as an object: docker-compose prints YAML, read with the PyYAML it runs on. */
const normalized = (): any => {
  const printed = compose(['config'], { JWT_SECRET: 'test-secret' })
  assert.equal(printed.status, 0, printed.stderr)
  const json = spawnSync(
    'python3',
    ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'],
    { input: printed.stdout, encoding: 'utf8' }
  )
  assert.equal(json.status, 0, json.stderr)
  return JSON.parse(json.stdout)
}

/** Dockerfile instructions (continuation lines joined, comments dropped), per stage. */
const dockerfileStages = () => {
  const text = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ')
  const stages: string[][] = []
  for (const line of text.split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue
    if (/^FROM\s/i.test(line)) stages.push([])
    stages[stages.length - 1].push(line)
  }
  return stages
}

describe('Docker: compose file, Dockerfile, .dockerignore', function () {
  this.timeout(60_000)

  describe('docker-compose config', () => {
    before(requireCompose)

    it('validates docker-compose.yml (docker-compose config -q)', () => {
      const result = compose(['config', '-q'], { JWT_SECRET: 'test-secret' })
      assert.equal(result.status, 0, result.stderr)
      assert.equal(result.stderr.trim(), '')
    })

    it('refuses to start without JWT_SECRET, naming it', () => {
      const result = compose(['config', '-q'], {})
      assert.notEqual(result.status, 0)
      assert.match(result.stderr, /JWT_SECRET/)
    })

    it('builds the image once and runs that named image in migrate and both backends', () => {
      const { services } = normalized()
      const built = Object.keys(services).filter((name) => services[name].build)
      assert.deepEqual(built, ['migrate'])
      const image = services.migrate.image
      assert.ok(image, 'the built image is named')
      for (const name of ['migrate', 'backend-1', 'backend-2'])
        assert.equal(services[name].image, image, name)
      for (const name of ['backend-1', 'backend-2']) assert.equal(services[name].pull_policy, 'never', name)
    })

    it('mounts the uploads volume where the backends store uploads, which the image creates for node', () => {
      const { services, volumes } = normalized()
      assert.ok('uploads' in volumes)
      for (const name of ['backend-1', 'backend-2']) {
        const dir = services[name].environment.UPLOAD_DIR
        assert.equal(dir, '/app/uploads')
        const mounts = services[name].volumes.map((v: any) =>
          typeof v === 'string' ? v : `${v.source}:${v.target}`
        )
        assert.ok(
          mounts.some((m: string) => m.startsWith(`uploads:${dir}`)),
          `${name} mounts uploads at ${dir}: ${mounts}`
        )
      }
      const runtime = dockerfileStages().at(-1)!.join('\n')
      assert.match(runtime, /mkdir -p [^\n]*\/app\/uploads/)
    })
  })

  describe('Dockerfile', () => {
    it('creates /app/uploads owned by node before switching to the node user', () => {
      const runtime = dockerfileStages().at(-1)!
      const user = runtime.findIndex((line) => /^USER\s+node$/.test(line))
      assert.ok(user > 0, 'the runtime stage runs as node')
      const created = runtime.findIndex(
        (line) =>
          /^RUN\s/.test(line) &&
          /mkdir -p\b.*\/app\/uploads/.test(line) &&
          /chown node:node\b.*\/app\/uploads/.test(line)
      )
      assert.ok(created >= 0 && created < user, 'mkdir + chown of /app/uploads comes before USER node')
    })

    it('builds the web client in the build stage and ships web/dist where the server serves it', () => {
      const [build, runtime] = dockerfileStages()
      assert.ok(
        build.some((line) => /^COPY\s+web\s+\.\/web$/.test(line)),
        'the build stage copies web/'
      )
      const runBuild = build.findIndex((line) => /^RUN\s.*npm run build/.test(line))
      const copyWeb = build.findIndex((line) => /^COPY\s+web\b/.test(line))
      assert.ok(copyWeb >= 0 && copyWeb < runBuild, 'web/ is copied before npm run build')
      assert.ok(runtime.includes('WORKDIR /app'))
      assert.ok(runtime.includes('COPY --from=build /app/web/dist ./web/dist'))
    })

    it('copies only files that exist and that .dockerignore lets into the build context', () => {
      const ignored = fs
        .readFileSync(path.join(root, '.dockerignore'), 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#') && !l.startsWith('!'))
      const sources = dockerfileStages()
        .flat()
        .filter((line) => /^COPY\s/.test(line) && !/--from=/.test(line))
        .flatMap((line) => line.split(/\s+/).slice(1, -1))
      assert.ok(sources.length > 0)
      // web/ is the web client's folder (it arrives with the web client's branch).
      const pending = fs.existsSync(path.join(root, 'web')) ? [] : ['web']
      for (const source of sources) {
        assert.ok(!ignored.includes(source), `${source} is copied but excluded by .dockerignore`)
        if (source.includes('*') || pending.includes(source)) continue
        assert.ok(fs.existsSync(path.join(root, source)), `${source} exists`)
      }
    })

    it('.dockerignore keeps dependencies, build output, data, uploads and git out of the context', () => {
      const ignored = fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').split('\n')
      for (const entry of [
        '.git',
        'node_modules',
        'lib',
        'web/dist',
        'data',
        'uploads',
        '**/pglite',
        'test',
        'coverage'
      ]) {
        assert.ok(ignored.includes(entry), `${entry} in .dockerignore`)
      }
    })
  })
})
