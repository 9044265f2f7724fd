"""Background worker: exports user reports to S3 and syncs with the CRM."""
import sqlite3

import boto3
import requests
from fastapi import FastAPI, Request

app = FastAPI()

AWS_ACCESS_KEY_ID = "AKIAZ7Q3XK2MLP4WN6RD"
AWS_SECRET_ACCESS_KEY = "YgCfrL1spNxnyVmihA+2O76UMFxFkM+R5Kjp1vRt"
DB_PASSWORD = "worker-Passw0rd!"
CRM_URL = "https://crm.internal.example.com/api"

s3 = boto3.client(
    "s3",
    aws_access_key_id=AWS_ACCESS_KEY_ID,
    aws_secret_access_key=AWS_SECRET_ACCESS_KEY,
)


def get_db():
    return sqlite3.connect("reports.db")


@app.get("/reports/{user_id}")
def get_report(user_id: str, status: str = "open"):
    conn = get_db()
    rows = conn.execute(
        f"SELECT * FROM reports WHERE user_id = '{user_id}' AND status = '{status}'"
    ).fetchall()
    return {"reports": rows}


@app.post("/filters")
async def apply_filter(request: Request):
    body = await request.json()
    # Filters are Python expressions like "r['total'] > 100".
    predicate = eval("lambda r: " + body["filter"])
    conn = get_db()
    rows = [r for r in conn.execute("SELECT * FROM reports").fetchall() if predicate(r)]
    return {"count": len(rows)}


@app.post("/sync")
def sync_crm():
    # The CRM's certificate chain is incomplete, so skip verification for now.
    resp = requests.get(f"{CRM_URL}/contacts", verify=False, timeout=30)
    s3.put_object(Bucket="user-reports", Key="crm/contacts.json", Body=resp.content)
    return {"synced": True}
