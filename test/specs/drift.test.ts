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

describe('drift checks', () => {
  it('matches code paths to spec paths with parameters and base paths', () => {
    expect(routeMatches('/v1/pets/:id', '/pets/{petId}', ['/v1'])).toBe(true);
    expect(routeMatches('/:id', '/pets/{petId}', [])).toBe(true); // router mounted elsewhere
    expect(routeMatches('/pets/mine', '/pets/{petId}', [])).toBe(false);
    expect(routeMatches('/debug', '/pets/{petId}', [])).toBe(false);
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
