// A GitHub REST API double on 127.0.0.1 (node:http). It checks each request the way GitHub's REST API
// defines it — method, path, auth / accept / user-agent / API-version headers, JSON body fields and limits —
// answers like GitHub, and records everything. A request GitHub would refuse is answered 422 and listed in
// `violations`, so tests can assert there are none.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
}

export interface Comment {
  id: number;
  body: string;
}

/** Force an answer for a route key such as "POST /check-runs", "POST /statuses", "GET /comments", "*". */
export type Fault = { status: number; message?: string; headers?: Record<string, string>; times?: number } | { hang: true; times?: number };

export class FakeGitHub {
  readonly token = 'ghs_fakeToken0123456789abcdefghijklmnop';
  readonly owner = 'acme';
  readonly repo = 'api';
  requests: Recorded[] = [];
  violations: string[] = [];
  comments: Comment[] = [];
  statuses: any[] = [];
  checkRuns: { id: number; body: any; updates: any[] }[] = [];
  pulls: { number: number; head: string; base: string; title: string; body: string; state: 'open' | 'closed' }[] = [];
  faults = new Map<string, Fault>();
  private server?: Server;
  private nextId = 1000;
  private pending: ServerResponse[] = [];

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    return this;
  }

  async stop(): Promise<void> {
    for (const r of this.pending) r.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => this.server?.close(() => ok()) ?? ok());
  }

  reset(): void {
    this.requests = [];
    this.violations = [];
    this.comments = [];
    this.statuses = [];
    this.checkRuns = [];
    this.pulls = [];
    this.faults.clear();
  }

  /** Existing comments on the pull request (other bots, people, an earlier sentrik run). */
  seedComments(bodies: string[]): void {
    for (const body of bodies) this.comments.push({ id: this.nextId++, body });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      return this.refuse(res, 400, 'Problems parsing JSON');
    }
    const rec: Recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body };
    this.requests.push(rec);

    // Headers GitHub requires or documents for every REST call.
    const h = req.headers;
    if (h.authorization !== `token ${this.token}` && h.authorization !== `Bearer ${this.token}`) return this.send(res, 401, { message: 'Bad credentials' });
    if (!String(h.accept ?? '').includes('application/vnd.github')) this.violation(rec, `accept header ${h.accept}`);
    if (!/^sentrik\/\S+/.test(String(h['user-agent'] ?? ''))) this.violation(rec, `user-agent ${h['user-agent']}`);
    if (h['x-github-api-version'] !== '2022-11-28') this.violation(rec, `x-github-api-version ${h['x-github-api-version']}`);
    if (raw && !String(h['content-type'] ?? '').startsWith('application/json')) this.violation(rec, `content-type ${h['content-type']}`);

    const repo = `/repos/${this.owner}/${this.repo}`;
    const routes: [string, RegExp, (m: RegExpMatchArray) => unknown][] = [
      ['GET /comments', new RegExp(`^${repo}/issues/(\\d+)/comments$`), () => this.listComments(rec, res)],
      ['POST /comments', new RegExp(`^${repo}/issues/(\\d+)/comments$`), () => this.createComment(rec, res)],
      ['PATCH /comments', new RegExp(`^${repo}/issues/comments/(\\d+)$`), (m) => this.updateComment(rec, res, Number(m[1]))],
      ['POST /statuses', new RegExp(`^${repo}/statuses/([^/]+)$`), (m) => this.createStatus(rec, res, m[1])],
      ['POST /check-runs', new RegExp(`^${repo}/check-runs$`), () => this.createCheckRun(rec, res)],
      ['PATCH /check-runs', new RegExp(`^${repo}/check-runs/(\\d+)$`), (m) => this.updateCheckRun(rec, res, Number(m[1]))],
      ['GET /pulls', new RegExp(`^${repo}/pulls$`), () => this.listPulls(rec, res)],
      ['POST /pulls', new RegExp(`^${repo}/pulls$`), () => this.createPull(rec, res)],
    ];
    for (const [key, re, handler] of routes) {
      const m = url.pathname.match(re);
      if (!m || key.split(' ')[0] !== rec.method) continue;
      const fault = this.takeFault(key) ?? this.takeFault('*');
      if (fault && 'hang' in fault) {
        this.pending.push(res); // never answered: the client must time out
        return;
      }
      if (fault) return this.send(res, fault.status, { message: fault.message ?? `forced ${fault.status}`, documentation_url: 'https://docs.github.com/rest' }, fault.headers);
      handler(m);
      return;
    }
    this.send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  private takeFault(key: string): Fault | undefined {
    const f = this.faults.get(key);
    if (!f) return undefined;
    if (f.times !== undefined && --f.times <= 0) this.faults.delete(key);
    return f;
  }

  private listComments(rec: Recorded, res: ServerResponse): void {
    const perPage = Number(rec.query.get('per_page') ?? 30);
    const page = Number(rec.query.get('page') ?? 1);
    if (!(perPage >= 1 && perPage <= 100)) this.violation(rec, `per_page ${perPage}`);
    const items = this.comments.slice((page - 1) * perPage, page * perPage);
    const last = Math.max(1, Math.ceil(this.comments.length / perPage));
    const headers: Record<string, string> = {};
    if (page < last) headers.link = `<${this.url}${rec.path}?per_page=${perPage}&page=${page + 1}>; rel="next", <${this.url}${rec.path}?per_page=${perPage}&page=${last}>; rel="last"`;
    this.send(res, 200, items.map((c) => ({ id: c.id, body: c.body, user: { login: 'github-actions[bot]', type: 'Bot' } })), headers);
  }

  private createComment(rec: Recorded, res: ServerResponse): void {
    if (!this.checkCommentBody(rec)) return this.refuse(res, 422, 'Validation Failed');
    const c = { id: this.nextId++, body: rec.body.body };
    this.comments.push(c);
    this.send(res, 201, { id: c.id, body: c.body });
  }

  private updateComment(rec: Recorded, res: ServerResponse, id: number): void {
    const c = this.comments.find((x) => x.id === id);
    if (!c) return this.send(res, 404, { message: 'Not Found' });
    if (!this.checkCommentBody(rec)) return this.refuse(res, 422, 'Validation Failed');
    c.body = rec.body.body;
    this.send(res, 200, { id: c.id, body: c.body });
  }

  private checkCommentBody(rec: Recorded): boolean {
    const b = rec.body;
    if (!b || typeof b.body !== 'string' || b.body.length === 0) return this.violation(rec, 'body must be a non-empty string');
    if (b.body.length > 65_536) return this.violation(rec, `body is ${b.body.length} characters (maximum is 65536)`);
    if (Object.keys(b).some((k) => k !== 'body')) return this.violation(rec, `unexpected fields ${Object.keys(b)}`);
    return true;
  }

  private createStatus(rec: Recorded, res: ServerResponse, sha: string): void {
    const b = rec.body ?? {};
    if (!/^[0-9a-f]{40}$/.test(sha)) this.violation(rec, `sha ${sha}`);
    if (!['error', 'failure', 'pending', 'success'].includes(b.state)) this.violation(rec, `state ${b.state}`);
    if (typeof b.context !== 'string') this.violation(rec, 'context missing');
    if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > 140)) this.violation(rec, `description of ${String(b.description).length} chars`);
    if (b.target_url !== undefined && !/^https?:\/\//.test(b.target_url)) this.violation(rec, `target_url ${b.target_url}`);
    this.statuses.push({ sha, ...b });
    this.send(res, 201, { id: this.nextId++, state: b.state, context: b.context, description: b.description });
  }

  private createCheckRun(rec: Recorded, res: ServerResponse): void {
    const b = rec.body ?? {};
    if (typeof b.name !== 'string' || !b.name) this.violation(rec, 'name missing');
    if (!/^[0-9a-f]{40}$/.test(b.head_sha ?? '')) this.violation(rec, `head_sha ${b.head_sha}`);
    if (b.status === 'completed' && !['action_required', 'cancelled', 'failure', 'neutral', 'success', 'skipped', 'stale', 'timed_out'].includes(b.conclusion)) {
      this.violation(rec, `conclusion ${b.conclusion}`);
    }
    this.checkOutput(rec, b.output);
    const run = { id: this.nextId++, body: b, updates: [] as any[] };
    this.checkRuns.push(run);
    this.send(res, 201, { id: run.id, name: b.name, head_sha: b.head_sha, status: b.status, conclusion: b.conclusion });
  }

  private updateCheckRun(rec: Recorded, res: ServerResponse, id: number): void {
    const run = this.checkRuns.find((r) => r.id === id);
    if (!run) return this.send(res, 404, { message: 'Not Found' });
    this.checkOutput(rec, rec.body?.output);
    run.updates.push(rec.body);
    this.send(res, 200, { id });
  }

  /** GET /repos/{owner}/{repo}/pulls: `head` filters by "owner:branch", `state` is open (default), closed or all. */
  private listPulls(rec: Recorded, res: ServerResponse): void {
    const head = rec.query.get('head');
    const state = rec.query.get('state') ?? 'open';
    if (!['open', 'closed', 'all'].includes(state)) this.violation(rec, `state ${state}`);
    if (head !== null && !/^[^:]+:.+$/.test(head)) this.violation(rec, `head ${head} (expected owner:branch)`);
    const items = this.pulls.filter((p) => (state === 'all' || p.state === state) && (head === null || head === `${this.owner}:${p.head}`));
    this.send(res, 200, items.map((p) => this.pullJson(p)));
  }

  /** POST /repos/{owner}/{repo}/pulls: title, head and base required; one open PR per head branch. */
  private createPull(rec: Recorded, res: ServerResponse): void {
    const b = rec.body ?? {};
    for (const k of ['title', 'head', 'base']) if (typeof b[k] !== 'string' || !b[k]) return (this.violation(rec, `${k} missing`), this.refuse(res, 422, 'Validation Failed'));
    if (b.body !== undefined && (typeof b.body !== 'string' || b.body.length > 65_536)) this.violation(rec, 'body too long or not a string');
    const extra = Object.keys(b).filter((k) => !['title', 'head', 'base', 'body', 'draft', 'maintainer_can_modify', 'head_repo', 'issue'].includes(k));
    if (extra.length) this.violation(rec, `unexpected fields ${extra}`);
    if (!this.branches.has(b.head)) return this.refuse(res, 422, `Validation Failed: head ${b.head} does not exist`);
    if (this.pulls.some((p) => p.head === b.head && p.state === 'open')) return this.refuse(res, 422, `A pull request already exists for ${this.owner}:${b.head}.`);
    const pr = { number: this.pulls.length + 1, head: b.head, base: b.base, title: b.title, body: b.body ?? '', state: 'open' as const };
    this.pulls.push(pr);
    this.send(res, 201, this.pullJson(pr));
  }

  /** Branches GitHub knows; tests backed by a real remote point this at it (e.g. `git ls-remote`). */
  branches: { has(branch: string): boolean } = { has: () => true };

  private pullJson(p: FakeGitHub['pulls'][number]): unknown {
    const html = `https://github.example/${this.owner}/${this.repo}/pull/${p.number}`;
    return { number: p.number, state: p.state, title: p.title, body: p.body, html_url: html, head: { ref: p.head, label: `${this.owner}:${p.head}` }, base: { ref: p.base } };
  }

  private checkOutput(rec: Recorded, output: any): void {
    if (!output) return;
    if (typeof output.title !== 'string' || typeof output.summary !== 'string') this.violation(rec, 'output needs title and summary');
    if (output.summary?.length > 65_535) this.violation(rec, 'output.summary over 65535 characters');
    const anns: any[] = output.annotations ?? [];
    if (anns.length > 50) this.violation(rec, `${anns.length} annotations in one request (maximum is 50)`);
    for (const a of anns) {
      if (typeof a.path !== 'string' || !Number.isInteger(a.start_line) || !Number.isInteger(a.end_line) || a.end_line < a.start_line) this.violation(rec, `annotation position ${JSON.stringify(a)}`);
      if (!['notice', 'warning', 'failure'].includes(a.annotation_level)) this.violation(rec, `annotation_level ${a.annotation_level}`);
      if (typeof a.message !== 'string' || !a.message) this.violation(rec, 'annotation message missing');
      if (a.title !== undefined && a.title.length > 255) this.violation(rec, 'annotation title over 255 characters');
      if ((a.start_column !== undefined || a.end_column !== undefined) && a.start_line !== a.end_line) this.violation(rec, 'columns on a multi-line annotation');
    }
  }

  private violation(rec: Recorded, what: string): false {
    this.violations.push(`${rec.method} ${rec.path}: ${what}`);
    return false;
  }

  private refuse(res: ServerResponse, status: number, message: string): void {
    this.send(res, status, { message, documentation_url: 'https://docs.github.com/rest' });
  }

  private send(res: ServerResponse, status: number, data: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-github-api-version-selected': '2022-11-28', ...headers });
    res.end(JSON.stringify(data));
  }
}
