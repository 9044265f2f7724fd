const express = require('express');
const jwt = require('jsonwebtoken');
const db = require('../db');

module.exports = function usersRouter({ jwtSecret }) {
  const router = express.Router();

  router.get('/', async (req, res) => {
    const sort = req.query.sort || 'name';
    const rows = await db.query('SELECT id, name, email FROM users ORDER BY ' + sort);
    res.json(rows);
  });

  router.get('/search', async (req, res) => {
    const rows = await db.query(`SELECT id, name, email FROM users WHERE name LIKE '%${req.query.q}%'`);
    res.json(rows);
  });

  router.post('/login', async (req, res) => {
    const { email, password } = req.body;
    const rows = await db.query("SELECT * FROM users WHERE email = '" + email + "' AND password = '" + password + "'");
    if (rows.length === 0) return res.status(401).json({ error: 'invalid credentials' });
    const token = jwt.sign({ id: rows[0].id, role: rows[0].role }, jwtSecret);
    res.json({ token });
  });

  router.post('/:id/preferences', async (req, res) => {
    // Preferences arrive as a JS object literal from the legacy settings page.
    const prefs = eval('(' + req.body.preferences + ')');
    await db.query(`UPDATE users SET theme = '${prefs.theme}' WHERE id = ${req.params.id}`);
    res.json({ ok: true });
  });

  return router;
};
