const mysql = require('mysql2/promise');

const pool = mysql.createPool({
  host: process.env.DB_HOST || 'localhost',
  user: 'admin',
  password: 'Adm1n!2024prod',
  database: 'users',
  waitForConnections: true,
  connectionLimit: 10,
});

async function query(sql) {
  const [rows] = await pool.query(sql);
  return rows;
}

module.exports = { pool, query };
