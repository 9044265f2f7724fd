// Route extraction for contract drift: Express, Fastify, NestJS, FastAPI, Flask — paths and visible auth.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../../src/engine/source.js';
import { extractRoutes, routeMatches } from '../../src/specs/drift/routes.js';
import { getSpecCheck } from '../../src/specs/index.js';

const routes = (path: string, text: string) => extractRoutes(new SourceFile(path, text)).map((r) => [r.method, r.path, r.line, r.authed]);

describe('extractRoutes', () => {
  it('Express, with middleware and app.use(auth)', () => {
    expect(routes('app.js', "const express = require('express');\nconst app = express();\napp.get('/a/:id', requireAuth, h);\napp.post('/b', (req, res) => {});\nconst r = express.Router();\nr.get('/no');\n")).toEqual([
      ['get', '/a/:id', 3, true],
      ['post', '/b', 4, false],
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
    expect(routeMatches('/:id', '/pets/{petId}', [])).toBe(true); // router mounted elsewhere
    expect(routeMatches('/pets/mine', '/pets/{petId}', [])).toBe(false);
    expect(routeMatches('/debug', '/pets/{petId}', [])).toBe(false);
    expect(routeMatches('/', '/pets', [])).toBe(false);
    expect(routeMatches('/', '/pets', [], true)).toBe(true); // the root of a router mounted elsewhere
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
