// Container checks: images without a digest (Dockerfile FROM, workflow container/services, GitLab image/
// services, Azure containers, compose, `docker run` in scripts), privileged containers, Dockerfile ADD of
// remote URLs, final image running as root.
import { z } from 'zod';
import type { Node } from 'yaml';
import { contextAccesses, findExpressions, isWholeExpression } from '../formats/expressions.js';
import type { GhModel } from '../formats/github.js';
import { dockerfileOf, formatOf, githubOf, yamlDocsOf, yamlOf, SCRIPT_FORMATS, type FormatName } from '../formats/index.js';
import { entries, get, items, str, type YamlDoc } from '../formats/yaml-doc.js';
import type { RawMatch } from '../matchers/matcher.js';
import type { SourceFile } from '../source.js';
import type { Check } from './check.js';
import { digestProblem, dockerRunImage, eachCommand, hasDigest, privilegedRuns, walkPairs } from './shell-checks.js';
import { atNode, onePerLine } from './util.js';

const imageOptions = z.object({ allow: z.array(z.string()).default(['scratch']) }).strict();

/** SCS-DEP-005: container image referenced by a mutable tag instead of a digest. */
export const imageWithoutDigest: Check<z.infer<typeof imageOptions>> = {
  name: 'image-without-digest',
  description: 'container image not pinned to a digest',
  formats: ['dockerfile', 'github-workflow', 'gitlab-ci', 'azure-pipelines', 'docker-compose', 'kubernetes', ...SCRIPT_FORMATS.filter((f) => f !== 'dockerfile' && f !== 'github-workflow' && f !== 'gitlab-ci' && f !== 'azure-pipelines')] as FormatName[],
  options: imageOptions,
  run(file, o) {
    const allow = new Set(o.allow.map((a) => a.toLowerCase()));
    const unpinned = (image: string): boolean => {
      const i = image.trim().replace(/^docker:\/\//, '');
      return i !== '' && !hasDigest(i) && !allow.has(i.toLowerCase()) && !/[$%{]/.test(i);
    };
    const msg = (image: string): string => {
      const bad = digestProblem(image);
      return bad
        ? `Image '${image}' has a malformed digest: ${bad}; copy the exact digest (@sha256: and 64 hex digits, e.g. from docker buildx imagetools inspect) so every build gets the same bytes`
        : `Image '${image}' is referenced by a mutable tag; pin it by digest (${image.split('@')[0]}@sha256:…) so every build gets the same bytes`;
    };
    const out: RawMatch[] = [];
    const format = formatOf(file);
    if (format === 'dockerfile') {
      const d = dockerfileOf(file)!;
      const args = dockerArgs(file);
      const aliases = new Set<string>();
      for (const st of d.stages) {
        const image = args(st.image);
        if (!aliases.has(image.toLowerCase()) && unpinned(image)) out.push({ line: st.from.line, column: st.from.column, matched: st.image, message: msg(image) });
        if (st.alias) aliases.add(st.alias);
      }
      for (const ins of d.instructions) {
        const from = /--from=(\S+)/.exec(ins.args);
        if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && from && /[:/]/.test(from[1]) && !aliases.has(from[1].toLowerCase()) && unpinned(from[1])) {
          out.push({ line: ins.line, column: ins.column, matched: from[1], message: msg(from[1]) });
        }
      }
    } else if (format === 'github-workflow') {
      const m = githubOf(file)!;
      for (const job of m.jobs) {
        const refs: Node[] = [];
        if (job.container) refs.push(get(m.y, job.container, 'image') ?? job.container);
        for (const [, svc] of entries(m.y, job.services)) {
          const img = get(m.y, svc, 'image');
          if (img) refs.push(img);
        }
        for (const n of refs) {
          const v = str(m.y, n);
          if (v === undefined) continue;
          const values = v.includes('${{') ? matrixValues(m, job.matrix, v) : [v];
          const bad = values.filter((x) => x !== undefined && unpinned(x)) as string[];
          if (bad.length) out.push(...atNode(m.y, n, { matched: v, message: v.includes('${{') ? `This image expression resolves to ${bad.map((b) => `'${b}'`).join(', ')}, not pinned by digest` : msg(v) }));
        }
      }
    } else if (format === 'gitlab-ci' || format === 'azure-pipelines' || format === 'docker-compose') {
      const y = yamlOf(file);
      for (const n of imageNodes(y, format)) {
        const v = str(y, n);
        if (v !== undefined && unpinned(v)) out.push(...atNode(y, n, { matched: v, message: msg(v) }));
      }
    } else if (format === 'kubernetes') {
      // `image:` in a manifest names a container's image (pods, workloads' pod templates, jobs).
      for (const y of yamlDocsOf(file)) {
        walkPairs(y, y.root ?? undefined, (key, value, _k, valueNode) => {
          if (key === 'image' && value !== undefined && valueNode && unpinned(value)) out.push(...atNode(y, valueNode, { matched: value, message: msg(value) }));
        });
      }
    }
    out.push(
      ...eachCommand(file, (cmd) => {
        const d = dockerRunImage(cmd);
        if (!d?.image || !unpinned(d.image.text)) return undefined;
        return { word: d.image, message: `\`docker ${d.sub} ${d.image.text}\`: ${msg(d.image.text)}` };
      }),
    );
    return onePerLine(out);
  },
};

/** `${ARG}` in FROM resolved from ARG defaults declared before it. */
function dockerArgs(file: SourceFile): (image: string) => string {
  const d = dockerfileOf(file)!;
  const defaults = new Map<string, string>();
  for (const ins of d.instructions) {
    if (ins.keyword !== 'ARG') continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=("?)([^"\s]*)\2/.exec(ins.args);
    if (m) defaults.set(m[1], m[3]);
  }
  return (image) => image.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (all, name: string) => defaults.get(name) ?? all);
}

/** Values an image expression like `${{ matrix.image }}` takes; undefined entries are "absent" (no container). */
function matrixValues(m: GhModel, matrix: Node | undefined, expr: string): (string | undefined)[] {
  if (!isWholeExpression(expr)) return [];
  const body = findExpressions(expr)[0].body;
  const acc = contextAccesses(body).filter((a) => a.path.startsWith('matrix.'));
  if (acc.length !== 1 || !matrix) return [];
  const key = acc[0].path.split('.')[1];
  const values: (string | undefined)[] = [];
  for (const [k, v] of entries(m.y, matrix)) {
    if (k.toLowerCase() === key) for (const it of items(m.y, v)) values.push(str(m.y, it));
  }
  for (const inc of items(m.y, get(m.y, matrix, 'include'))) {
    for (const [k, v] of entries(m.y, inc)) if (k.toLowerCase() === key) values.push(str(m.y, v));
  }
  return values;
}

function imageNodes(y: YamlDoc, format: FormatName): Node[] {
  const out: Node[] = [];
  const image = (n: Node | undefined): void => {
    if (!n) return;
    if (str(y, n) !== undefined) out.push(n);
    else {
      const inner = get(y, n, 'name') ?? get(y, n, 'image');
      if (inner) out.push(inner);
    }
  };
  if (format === 'docker-compose') {
    for (const [, svc] of entries(y, get(y, y.root, 'services'))) {
      const img = get(y, svc, 'image');
      if (img) out.push(img);
    }
  } else if (format === 'gitlab-ci') {
    image(get(y, y.root, 'image'));
    for (const s of items(y, get(y, y.root, 'services'))) image(s);
    for (const [, job] of entries(y, y.root)) {
      image(get(y, job, 'image'));
      for (const s of items(y, get(y, job, 'services'))) image(s);
    }
  } else {
    // Azure: `container:` (string or {image}) anywhere, and resources.containers[].image
    walkPairs(y, y.root ?? undefined, (key, _v, _k, valueNode) => {
      if (key === 'container') image(valueNode);
    });
    for (const c of items(y, get(y, get(y, y.root, 'resources'), 'containers'))) {
      const img = get(y, c, 'image');
      if (img) out.push(img);
    }
  }
  return out;
}

/** SCS-BUILD-003: privileged containers. */
export const privilegedContainer: Check<Record<string, never>> = {
  name: 'privileged-container',
  description: 'container run with --privileged / privileged: true',
  formats: ['docker-compose', 'gitlab-ci', 'github-workflow', 'azure-pipelines', 'kubernetes', ...SCRIPT_FORMATS] as FormatName[],
  options: z.object({}).strict(),
  keywords: () => ['privileged', 'sys_admin', 'hostpid', 'hostipc', 'hostnetwork', 'allowprivilegeescalation'],
  run(file) {
    const out: RawMatch[] = [];
    const format = formatOf(file);
    if (format === 'kubernetes') {
      // The Pod Security Standards' baseline forbids these: each hands the container the host (or its processes,
      // IPC, network). Their restricted profile forbids allowPrivilegeEscalation: a setuid binary (or file
      // capabilities) then lifts a process above the privileges it was started with.
      for (const y of yamlDocsOf(file)) {
        walkPairs(y, y.root ?? undefined, (key, value, keyNode) => {
          if (!/^(true|yes|on)$/i.test(value ?? '')) return;
          if (key === 'privileged') out.push(...atNode(y, keyNode, { message: '`privileged: true` gives the container full control of the node' }));
          if (key === 'hostPID' || key === 'hostIPC' || key === 'hostNetwork') out.push(...atNode(y, keyNode, { message: `\`${key}: true\` shares the node's ${key === 'hostPID' ? 'processes' : key === 'hostIPC' ? 'IPC namespace' : 'network namespace'} with the pod` }));
          if (key === 'allowPrivilegeEscalation') out.push(...atNode(y, keyNode, { message: '`allowPrivilegeEscalation: true` lets a process in the container gain more privileges than it started with (setuid binaries, file capabilities)' }));
        });
      }
    }
    if (format === 'docker-compose' || format === 'gitlab-ci' || format === 'azure-pipelines' || format === 'github-workflow') {
      const y = yamlOf(file);
      walkPairs(y, y.root ?? undefined, (key, value, keyNode) => {
        if (key === 'privileged' && /^(true|yes|on)$/i.test(value ?? '')) out.push(...atNode(y, keyNode, { message: '`privileged: true` gives the container full control of the host' }));
        if ((key === 'options' || key === 'docker_options') && /--privileged\b/.test(value ?? '')) out.push(...atNode(y, keyNode, { message: 'container options include `--privileged`: full control of the host' }));
      });
    }
    out.push(...privilegedRuns(file));
    return onePerLine(out);
  },
};

/** SCS-BUILD-004: ADD of a remote URL without a checksum. */
export const dockerfileAddUrl: Check<Record<string, never>> = {
  name: 'dockerfile-add-url',
  description: 'Dockerfile ADD fetching a remote URL without a checksum',
  formats: ['dockerfile'],
  options: z.object({}).strict(),
  keywords: () => ['add'],
  run(file) {
    const out: RawMatch[] = [];
    for (const ins of dockerfileOf(file)!.instructions) {
      if (ins.keyword !== 'ADD' || /--checksum=sha256:/.test(ins.args)) continue;
      const url = ins.args.split(' ').find((a) => /^(https?|ftp|git):\/\/|^git@/.test(a));
      if (url) out.push({ line: ins.line, column: ins.column, matched: url, message: `ADD fetches ${url} at build time with no integrity check; use ADD --checksum=sha256:… or download and verify in a RUN` });
    }
    return out;
  },
};

/** SCS-BUILD-005: the final stage runs as root. */
export const dockerfileRootUser: Check<{ nonroot_images: string[] }> = {
  name: 'dockerfile-root-user',
  description: 'final Dockerfile stage runs as root',
  formats: ['dockerfile'],
  options: z.object({ nonroot_images: z.array(z.string()).default(['nonroot', 'rootless']) }).strict(),
  keywords: () => ['from'],
  run(file, o) {
    const d = dockerfileOf(file)!;
    const last = d.stages[d.stages.length - 1];
    if (!last || last.image.toLowerCase() === 'scratch') return [];
    if (o.nonroot_images.some((s) => last.image.toLowerCase().includes(s.toLowerCase()))) return [];
    const users = d.instructions.filter((i) => i.keyword === 'USER' && i.stage === last.index);
    const final = users[users.length - 1];
    if (final && !/^(root|0)(:.*)?$/i.test(final.args.trim())) return [];
    const at = final ?? last.from;
    return [{ line: at.line, column: at.column, matched: at.args, message: final ? `The final image switches to \`USER ${final.args}\`: containers run as root` : 'The final stage sets no USER, so containers run as root; add a non-root USER' }];
  },
};

export const containerChecks = [imageWithoutDigest, privilegedContainer, dockerfileAddUrl, dockerfileRootUser];
