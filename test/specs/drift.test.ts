// Route extraction for contract drift: Express, Fastify, NestJS, FastAPI, Flask — paths and visible auth.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { extractRoutes, OperationIndex, routeMatches } from '../../src/specs/drift/routes.js';
import { getSpecCheck } from '../../src/specs/index.js';

const routes = (path: string, text: string) => extractRoutes(new SourceFile(path, text)).map((r) => [r.method, r.path, r.line, r.authed]);

describe('extractRoutes', () => {
  it('Express, with middleware and app.use(auth)', () => {
    // Any name serves routes once the file makes it a router.
    expect(routes('app.js', "const express = require('express');\nconst app = express();\napp.get('/a/:id', requireAuth, h);\napp.post('/b', (req, res) => {});\nconst r = express.Router();\nr.get('/r', h);\n")).toEqual([
      ['get', '/a/:id', 3, true],
      ['post', '/b', 4, false],
      ['get', '/r', 6, false],
    ]);
    expect(routes('app.ts', "import express from 'express';\nconst router = express.Router();\nrouter.use(passport.authenticate('jwt'));\nrouter.delete('/x', h);\n")).toEqual([['delete', '/x', 4, true]]);
    // HTTP clients are not routes.
    expect(routes('client.js', "import express from 'express';\naxios.get('/api/users');\n")).toEqual([]);
  });

  it('Fastify, with preHandler', () => {
    expect(routes('server.js', "const fastify = require('fastify')();\nfastify.get('/me', { preHandler: [fastify.authenticate] }, h);\nfastify.get('/open', h);\n")).toEqual([
      ['get', '/me', 2, true],
      ['get', '/open', 3, false],
    ]);
  });

  it('NestJS, with controller prefix and guards', () => {
    const text = "import { Controller, Get, Post, UseGuards } from '@nestjs/common';\n@Controller('users')\nexport class UsersController {\n  @Get(':id')\n  find() {}\n\n  @UseGuards(AuthGuard('jwt'))\n  @Post()\n  create() {}\n}\n";
    expect(routes('users.controller.ts', text)).toEqual([
      ['get', '/users/:id', 4, false],
      ['post', '/users', 8, true],
    ]);
  });

  it('FastAPI, with router prefix and Depends', () => {
    const text = 'from fastapi import APIRouter, Depends\nrouter = APIRouter(prefix="/items")\n\n@router.get("/{item_id}")\nasync def read(item_id: str, user=Depends(get_current_user)):\n    pass\n\n@router.post("/")\ndef create(item: Item):\n    pass\n';
    expect(routes('items.py', text)).toEqual([
      ['get', '/items/{item_id}', 4, true],
      ['post', '/items', 8, false],
    ]);
  });

  it('Flask, with methods and login_required', () => {
    const text = 'from flask import Flask\napp = Flask(__name__)\n\n@app.route("/users/<int:uid>", methods=["GET", "DELETE"])\n@login_required\ndef user(uid):\n    pass\n';
    expect(routes('app.py', text)).toEqual([
      ['get', '/users/<int:uid>', 4, true],
      ['delete', '/users/<int:uid>', 4, true],
    ]);
  });
});

describe('router prefixes', () => {
  const withRelative = (path: string, text: string) => extractRoutes(new SourceFile(path, text)).map((r) => [r.method, r.path, r.line, r.authed, r.relative]);

  it('Express: app.use mounts a router of the same file, with the mount\'s middleware, nested', () => {
    const text = [
      "const express = require('express');",
      'const app = express();',
      'const router = express.Router();',
      'const adminRouter = express.Router();',
      "router.get('/', listUsers);",
      "router.get('/:id', getUser);",
      "adminRouter.delete('/cache', flush);",
      "app.use('/users', router);",
      "router.use('/admin', requireAuth, adminRouter);",
      "app.get('/health', ok);",
    ].join('\n');
    expect(withRelative('app.js', text)).toEqual([
      ['get', '/users', 5, false, false],
      ['get', '/users/:id', 6, false, false],
      ['delete', '/users/admin/cache', 7, true, false],
      ['get', '/health', 10, false, false],
    ]);
    // Mounted twice: served under both prefixes; authentication at one mount covers that mount only.
    const twice = "const express = require('express');\nconst app = express();\nconst router = express.Router();\nrouter.get('/me', me);\napp.use('/v1', router);\napp.use(\n  '/v2',\n  passport.authenticate('jwt'),\n  router,\n);\n";
    expect(withRelative('app.js', twice)).toEqual([
      ['get', '/v1/me', 4, false, false],
      ['get', '/v2/me', 4, true, false],
    ]);
  });

  it('Express: a router mounted elsewhere or under a computed prefix is relative', () => {
    const exported = "const express = require('express');\nconst router = express.Router();\nrouter.get('/', list);\nmodule.exports = router;\n";
    expect(withRelative('routes/users.js', exported)).toEqual([['get', '/', 3, false, true]]);
    const required = "const express = require('express');\nconst app = express();\nconst routes = express.Router();\nroutes.get('/x', h);\napp.use('/items', require('./routes'));\n";
    expect(withRelative('app.js', required)).toEqual([['get', '/x', 4, false, true]]);
    for (const mount of ["app.use(BASE + '/users', router);", 'app.use(config.prefix, router);', 'app.use(`${base}/users`, router);']) {
      const text = `const express = require('express');\nconst app = express();\nconst router = express.Router();\nrouter.get('/list', list);\n${mount}\n`;
      expect(withRelative('app.js', text), mount).toEqual([['get', '/list', 4, false, true]]);
    }
  });

  it('FastAPI: APIRouter(prefix) and include_router(prefix, dependencies), composed', () => {
    const text = [
      'from fastapi import FastAPI, APIRouter, Depends',
      'app = FastAPI()',
      'router = APIRouter(prefix="/items")',
      'dyn = APIRouter(prefix=settings.API_PREFIX)',
      '',
      '@router.get("/{item_id}")',
      'def read(item_id: str):',
      '    pass',
      '',
      '@dyn.get("/x")',
      'def x():',
      '    pass',
      '',
      'app.include_router(router, prefix="/api/v1", dependencies=[Depends(get_current_user)])',
    ].join('\n');
    expect(withRelative('main.py', text)).toEqual([
      ['get', '/api/v1/items/{item_id}', 6, true, false],
      ['get', '/x', 10, false, true],
    ]);
    const other = 'from fastapi import APIRouter\nrouter = APIRouter()\n@router.get("/")\ndef list():\n    pass\napp.include_router(router, prefix=f"/{VERSION}")\n';
    expect(withRelative('main.py', other)).toEqual([['get', '/', 3, false, true]]);
    // A literal router prefix under a computed mount prefix: the router's prefix is the known tail.
    const mixed = 'from fastapi import FastAPI, APIRouter\napp = FastAPI()\nusers = APIRouter(prefix="/users")\n@users.get("/{uid}")\ndef one(uid: str):\n    pass\napp.include_router(users, prefix=settings.API_V1)\n';
    expect(withRelative('main.py', mixed)).toEqual([['get', '/users/{uid}', 4, false, true]]);
  });

  it('Flask: Blueprint(url_prefix), replaced by register_blueprint(url_prefix)', () => {
    const text = [
      'from flask import Flask, Blueprint',
      'app = Flask(__name__)',
      "bp = Blueprint('users', __name__, url_prefix='/users')",
      "admin = Blueprint('admin', __name__, url_prefix='/ignored')",
      '',
      '@bp.route("/<int:uid>")',
      'def user(uid):',
      '    pass',
      '',
      '@admin.route("/stats", methods=["POST"])',
      'def stats():',
      '    pass',
      '',
      'app.register_blueprint(bp)',
      "app.register_blueprint(admin, url_prefix='/admin')",
    ].join('\n');
    expect(withRelative('app.py', text)).toEqual([
      ['get', '/users/<int:uid>', 6, false, false],
      ['post', '/admin/stats', 10, false, false],
    ]);
  });
});

describe('drift checks', () => {
  it('matches code paths to spec paths with parameters and base paths', () => {
    expect(routeMatches('/v1/pets/:id', '/pets/{petId}', ['/v1'])).toBe(true);
    expect(routeMatches('/:id', '/pets/{petId}', [], true)).toBe(true); // router mounted elsewhere
    expect(routeMatches('/pets/mine', '/pets/{petId}', [])).toBe(false);
    expect(routeMatches('/debug', '/pets/{petId}', [])).toBe(false);
    expect(routeMatches('/', '/pets', [])).toBe(false);
    expect(routeMatches('/', '/pets', [], true)).toBe(true); // the root of a router mounted elsewhere
  });

  it('the operation index answers as comparing every route with every operation does', () => {
    const ops = ['GET /pets', 'GET /pets/{petId}', 'POST /pets', 'DELETE /stores/{id}/pets/{petId}', 'GET /', 'PUT /files/{path}'].map((s) => {
      const [m, p] = s.split(' ');
      return { method: m.toLowerCase(), path: p };
    });
    const paths = ['/', '/pets', '/v1/pets', '/pets/:id', '/v1/pets/:id', '/:id', '/pets/mine', '/stores/:s/pets/:p', '/pets/*', '/files/*splat', '/*', '/v2/pets', '/PETS', '/pets/{*rest}'];
    for (const bases of [[], ['/v1']]) {
      const index = new OperationIndex(ops, bases);
      for (const path of paths)
        for (const method of ['get', 'post', 'delete', 'put', '*'])
          for (const relative of [false, true]) {
            const pairwise = ops.some((o) => (method === '*' || o.method === method) && routeMatches(path, o.path, bases, relative));
            expect([method, path, relative, bases, index.matches({ method, path, relative })]).toEqual([method, path, relative, bases, pairwise]);
          }
    }
  });

  it('matches thousands of routes against thousands of operations in near-linear time', () => {
    const n = 4000;
    const operations = Array.from({ length: n }, (_, i) => `GET /res${i}/items/{id}`);
    const code = "const express = require('express');\nconst app = express();\nconst router = express.Router();\n" + Array.from({ length: n }, (_, i) => (i % 2 ? "router.get('/items/:id', h);\n" : `app.get('/res${i}/items/:id', h);\n`)).join('');
    const check = getSpecCheck('drift-undeclared-route')!;
    const options = check.options.parse({ spec: 'openapi.yaml', operations });
    const started = performance.now();
    expect(check.run(new SourceFile('app.js', code), options)).toEqual([]);
    // Comparing every pair took about 6 s here; the index takes tens of milliseconds.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('holds mounted routes to the full path; says nothing where the prefix is unknown', () => {
    const undeclared = getSpecCheck('drift-undeclared-route')!;
    const unauth = getSpecCheck('drift-unauthenticated-handler')!;
    const opts = { spec: 'api.yaml', operations: ['GET /users', 'GET /users/{id}'] };
    const secured = { spec: 'api.yaml', secured: ['GET /users', 'GET /users/{id}'] };
    const app = new SourceFile('app.js', "const express = require('express');\nconst app = express();\nconst router = express.Router();\nrouter.get('/', list);\nrouter.get('/:id', authenticate, one);\nrouter.get('/export', dump);\napp.use('/users', router);\n");
    expect(undeclared.run(app, undeclared.options.parse(opts)).map((m) => m.message)).toEqual(['GET /users/export is served by the code but not declared in api.yaml']);
    expect(unauth.run(app, unauth.options.parse(secured)).map((m) => m.line)).toEqual([4]);
    // The same router in its own file, mounted from another: its root is not "GET /", and is not held to any one operation.
    const routerFile = new SourceFile('routes/users.js', "const express = require('express');\nconst router = express.Router();\nrouter.get('/', list);\nmodule.exports = router;\n");
    expect(undeclared.run(routerFile, undeclared.options.parse(opts))).toEqual([]);
    expect(unauth.run(routerFile, unauth.options.parse(secured))).toEqual([]);
  });

  it('matches routes under a computed prefix by their tail', () => {
    const undeclared = getSpecCheck('drift-undeclared-route')!;
    const unauth = getSpecCheck('drift-unauthenticated-handler')!;
    const opts = { spec: 'api.yaml', operations: ['GET /api/users/{id}'] };
    const secured = { spec: 'api.yaml', secured: ['GET /api/users/{id}'] };
    const app = new SourceFile('app.js', "const express = require('express');\nconst app = express();\nconst usersRouter = express.Router();\nusersRouter.get('/:id', one);\nusersRouter.delete('/:id/purge', purge);\napp.use(config.prefix + '/users', usersRouter);\n");
    expect(undeclared.run(app, undeclared.options.parse(opts)).map((m) => m.line)).toEqual([5]);
    expect(unauth.run(app, unauth.options.parse(secured)).map((m) => m.line)).toEqual([4]);
    const py = new SourceFile('main.py', 'from fastapi import FastAPI, APIRouter\napp = FastAPI()\nr = APIRouter(prefix=settings.USERS)\n@r.get("/{uid}")\ndef one(uid: str):\n    pass\n@r.delete("/{uid}/purge")\ndef purge(uid: str):\n    pass\napp.include_router(r, prefix=settings.API_V1)\n');
    expect(undeclared.run(py, undeclared.options.parse(opts)).map((m) => m.line)).toEqual([7]);
    expect(unauth.run(py, unauth.options.parse(secured)).map((m) => m.line)).toEqual([4]);
  });

  it('reports undeclared routes and unauthenticated secured handlers', () => {
    const code = "const express = require('express');\nconst app = express();\napp.get('/pets', list);\napp.get('/pets/:id', auth, one);\napp.get('/admin/dump', dump);\n";
    const file = new SourceFile('app.js', code);
    const undeclared = getSpecCheck('drift-undeclared-route')!;
    expect(undeclared.run(file, undeclared.options.parse({ spec: 'api.yaml', operations: ['GET /pets', 'GET /pets/{id}'] })).map((m) => m.line)).toEqual([5]);
    const unauth = getSpecCheck('drift-unauthenticated-handler')!;
    expect(unauth.run(file, unauth.options.parse({ spec: 'api.yaml', secured: ['GET /pets', 'GET /pets/{id}'] })).map((m) => m.line)).toEqual([3]);
  });
});

describe('QA: what counts as declared, as authentication, as a route', () => {
  const undeclared = getSpecCheck('drift-undeclared-route')!;
  const unauth = getSpecCheck('drift-unauthenticated-handler')!;
  const ops = ['GET /pets', 'POST /pets', 'GET /pets/{petId}', 'GET /health'];
  const secured = ['GET /pets', 'POST /pets', 'GET /pets/{petId}'];
  const check = (path: string, text: string) => {
    const file = new SourceFile(path, text);
    return {
      undeclared: undeclared.run(file, undeclared.options.parse({ spec: 'openapi.yaml', operations: ops })).map((m) => m.matched),
      unauth: unauth.run(file, unauth.options.parse({ spec: 'openapi.yaml', secured })).map((m) => m.matched),
    };
  };
  const express = (...lines: string[]) => ["const express = require('express');", 'const app = express();', ...lines].join('\n');

  it('a route whose full path is known must be the spec path, not a suffix or prefix of it', () => {
    expect(check('server.js', express("app.get('/admin/pets', h);", "app.get('/debug/pets/:id', h);", "app.get('/:slug', h);", "app.get('/v2/pets', h);"))).toEqual({
      undeclared: ['get /admin/pets', 'get /debug/pets/:id', 'get /:slug', 'get /v2/pets'],
      unauth: [],
    });
    const fastapi = 'from fastapi import FastAPI, APIRouter\napp = FastAPI()\nrouter = APIRouter()\n@router.get("/pets")\ndef pets():\n    pass\napp.include_router(router, prefix="/v2")\n';
    expect(check('main.py', fastapi)).toEqual({ undeclared: ['get /v2/pets'], unauth: [] });
    // A router from another file: its prefix is unknown, so its tail is matched; a parameter still names only a parameter.
    const routerFile = "const express = require('express');\nconst router = express.Router();\nrouter.get('/:petId', h);\nrouter.get('/:petId/owner', h);\nmodule.exports = router;\n";
    expect(check('routes/pets.js', routerFile)).toEqual({ undeclared: ['get /:petId/owner'], unauth: ['get /:petId'] });
  });

  it.each([
    ["app.use(session({ secret: 's' }));", "app.get('/pets', list);"],
    ['app.use(passport.initialize());', "app.get('/pets', list);"],
    ['app.use(passport.session());', "app.get('/pets', list);"],
    ["app.use(authRouter);", "app.get('/pets', list);"],
    ['', "app.post('/pets', createPetFromSession);"],
    ['', "app.get('/pets', getCurrentUserPets);"],
    ['', "app.get('/pets', loadAuthor, list);"],
  ])('not authentication: %s %s', (use, route) => {
    expect(check('server.js', express(use, route)).unauth).toHaveLength(1);
  });

  it.each([
    ['app.use(passport.authenticate("jwt", { session: false }));', "app.get('/pets', list);"],
    ['', "app.get('/pets', requireAuth, list);"],
    ['', "app.get('/pets', isAuthenticated, (req, res) => res.json([]));"],
    ['', "app.get('/pets', verifyToken, async (req, res) => res.json([]));"],
    ['', "app.get('/pets', expressjwt({ secret }), asyncHandler(list));"],
    ['app.use(ensureLoggedIn());', "app.get('/pets', list);"],
  ])('authentication: %s %s', (use, route) => {
    expect(check('server.js', express(use, route)).unauth).toEqual([]);
  });

  it('Python: dependencies and decorators that authenticate, not a database session or a handler name', () => {
    const fastapi = (signature: string) => `from fastapi import FastAPI, Depends, Security\napp = FastAPI()\n@app.get("/pets")\ndef ${signature}:\n    pass\n`;
    expect(check('main.py', fastapi('list_pets(db: Session = Depends(get_db))')).unauth).toEqual(['get /pets']);
    expect(check('main.py', fastapi('get_current_user_pets(db: Session = Depends(get_db))')).unauth).toEqual(['get /pets']);
    expect(check('main.py', fastapi('list_pets(user: User = Depends(get_current_user))')).unauth).toEqual([]);
    expect(check('main.py', fastapi('list_pets(user = Security(oauth2, scopes=["pets"]))')).unauth).toEqual([]);
    expect(check('main.py', fastapi('list_pets(session: SessionDep, current_user: CurrentUser)')).unauth).toEqual([]);
    const flask = (decorator: string) => `from flask import Flask\napp = Flask(__name__)\n@app.route("/pets")\n${decorator}\ndef pets():\n    pass\n`;
    expect(check('app.py', flask('@cache.cached(timeout=50)')).unauth).toEqual(['get /pets']);
    expect(check('app.py', flask('@login_required')).unauth).toEqual([]);
    expect(check('app.py', flask('@jwt_required()')).unauth).toEqual([]);
  });

  it('NestJS: @UseGuards authenticates, a rate limiter alone does not', () => {
    const nest = (guard: string) => `import { Controller, Get, UseGuards } from '@nestjs/common';\n@Controller('pets')\nexport class PetsController {\n  ${guard}\n  @Get()\n  list() {}\n}\n`;
    expect(check('pets.controller.ts', nest("@UseGuards(AuthGuard('jwt'))")).unauth).toEqual([]);
    expect(check('pets.controller.ts', nest('@UseGuards(ThrottlerGuard)')).unauth).toEqual(['get /pets']);
  });

  it('HTTP clients are not servers: only receivers created as applications or routers, or named so', () => {
    const client = express("const api = axios.create({ baseURL: 'https://inventory' });", "const http = require('got');", "app.get('/pets', requireAuth, list);", "async function f() { await api.get('/inventory/items'); await http.get('/x'); }");
    expect(check('server.js', client)).toEqual({ undeclared: [], unauth: [] });
    const named = express("const api = express.Router();", "api.get('/inventory/items', h);", "app.use(api);");
    expect(check('server.js', named).undeclared).toEqual(['get /inventory/items']);
    const notApp = "const express = require('express');\nconst app = axios.create();\napp.get('/inventory', h);\n";
    expect(check('client.js', notApp).undeclared).toEqual([]);
  });

  it('Express path syntax: wildcards, optional parameters, template literals, app.route() chains', () => {
    const file = new SourceFile('server.js', express("app.get('/files/*', requireAuth, h);", "app.get('/users/:userId?/avatar', requireAuth, h);", 'app.get(`/users/${id}/avatar`, requireAuth, h);'));
    expect(undeclared.run(file, undeclared.options.parse({ spec: 'openapi.yaml', operations: ['GET /files/{path}', 'GET /users/{userId}/avatar'] }))).toEqual([]);
    const chain = express("app.route('/orders')", '  .get(requireAuth, (req, res) => {', "    res.get('x');", '  })', '  .post(create);', "app.route('/pets').get(list).delete(requireAuth, del);");
    expect(routes('server.js', chain)).toEqual([
      ['get', '/orders', 4, true],
      ['post', '/orders', 7, false],
      ['get', '/pets', 8, false],
      ['delete', '/pets', 8, true],
    ]);
  });

  it('prefixes routed at their root: Blueprint and APIRouter with an empty route path, Nest @Controller({ path })', () => {
    const flask = "from flask import Flask, Blueprint\napp = Flask(__name__)\nbp = Blueprint('pets', __name__, url_prefix='/pets')\n@bp.route(\"\", methods=['POST'])\ndef create():\n    pass\napp.register_blueprint(bp)\n";
    expect(routes('app.py', flask)).toEqual([['post', '/pets', 4, false]]);
    const fastapi = 'from fastapi import FastAPI, APIRouter\napp = FastAPI()\nrouter = APIRouter(prefix="/pets")\n@router.get("")\ndef list():\n    pass\napp.include_router(router)\n';
    expect(routes('main.py', fastapi)).toEqual([['get', '/pets', 4, false]]);
    const nest = "import { Controller, Get } from '@nestjs/common';\n@Controller({ path: 'pets', version: '1' })\nexport class PetsController {\n  @Get(':petId')\n  one() {}\n}\n";
    expect(routes('pets.controller.ts', nest)).toEqual([['get', '/pets/:petId', 4, false]]);
  });
});
