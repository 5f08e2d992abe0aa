/**
 * Full-text search at scale: 1,000,000 messages in 50 rooms (some private), seeded straight
 * into the database with text drawn from a vocabulary of 5,000 words with a Zipf
 * distribution (real English words at the top, pronounceable made-up ones below, a few
 * accented, Cyrillic and Greek words in the tail), and a viewer who is a member of 20 of
 * the rooms. Through the compiled server (one keep-alive client, one request at a time) it
 * times `search` for six classes of query: common words, rare words, prefixes, two words,
 * quoted phrases and `from:name` with a word; every result is checked (one of the viewer's
 * rooms, newest first, its text holds every word, and as many results as the seeded text
 * guarantees). Then what the index costs: the database's size with and without it, and
 * `sendMessage` with and without it, each in a copy of the database.
 *
 * The seeded databases are kept between runs while their parameters match (SQLite in
 * /tmp/parley-bench-search, PostgreSQL in the database `parley_bench_search` on the server
 * DATABASE_URL names); copies are dropped when done. Exits 1 when a class's p99 is over
 * 50 ms or any check fails, after printing the tables.
 *
 *   npm run bench:search                                   # SQLite
 *   DATABASE_URL=postgres://… npm run bench:search         # SQLite, then PostgreSQL
 *   npm run bench:search -- --messages 100000 --store postgres --json
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { type CompiledQuery, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { hashPassword } from '../../server/auth/passwords.js';
import { parseSearch } from '../../server/search/query.js';
import { POSTGRES, SQLITE } from '../../server/store/dialects.js';
import { openStore } from '../../server/store/index.js';
import { migrations } from '../../server/store/migrations.js';
import { KyselyStore } from '../../server/store/kysely-store.js';
import type { Database as Schema } from '../../server/store/schema.js';
import { searchTokens, searchWords } from '../../server/store/search-words.js';
import { POSTGRES_URL } from '../helpers/backends.js';
import { SEARCH, type SearchResult } from '../helpers/search.js';
import { ServerProcess } from './events/server-process.js';
import { PROJECT_ENTRY, REPO_ROOT } from './events/targets.js';
import { agent, gql, percentile } from './keep-alive.js';

const { values: options } = parseArgs({
  options: {
    messages: { type: 'string' },
    store: { type: 'string' }, // sqlite | postgres: only this one
    json: { type: 'boolean' },
    'time-limit': { type: 'string' }, // minutes
  },
});

const MESSAGES = Number(options.messages ?? 1_000_000);
const ROOMS = 50;
const VIEWER_ROOMS = 20;
/** People who write, besides the viewer. */
const USERS = 500;
const VOCABULARY = 5_000;
/** Zipf's exponent for words: the most common word is in most messages, the tail in a few hundred. */
const WORD_ZIPF = 1.0;
/** A room's share of the messages falls with its rank, less steeply than words. */
const ROOM_ZIPF = 0.8;
const SENTENCE_MIN = 3;
const SENTENCE_MAX = 25;
/** Change it whenever what is seeded changes: a kept database of another version is seeded again. */
const SEED_VERSION = 1;
const SEED = 20_261_130;
/** The first seeded message's time, and the time between messages. */
const START_MS = Date.UTC(2025, 0, 1);
const STEP_MS = 15_000;

/** Rows per INSERT, and INSERTs per transaction, while seeding. */
const BATCH = 1_000;
const BATCHES_PER_TRANSACTION = 20;

const TARGET_P99_MS = 50;
const PAGE = 20; // search's default `first`
const REQUESTS = 200; // timed searches per class: p99 is the 2nd slowest
const WARM_UP = 20;
/** After this long a class stops with what it has, if it has this many timed searches. */
const CLASS_BUDGET_MS = 60_000;
const CLASS_MIN_SAMPLES = 50;
const SENDS = 500; // timed sendMessage per variant, in two alternating rounds
const SEND_ROUNDS = 2;
const SEND_WARM_UP = 20;
const TIME_LIMIT_MS = Number(options['time-limit'] ?? 60) * 60_000;

const SQLITE_DIR = '/tmp/parley-bench-search';
const PG_DATABASE = 'parley_bench_search';
const VIEWER = 'searcher';
const PASSWORD = 'password123';

type Kind = 'sqlite' | 'postgres';

// ---------------------------------------------------------------------------------------
// What is seeded: words, rooms, people, messages, all from one seeded generator.

/** mulberry32: small, fast and the same on every machine. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Cumulative weights of ranks 0..n-1 for Zipf's law with exponent `s`. */
function zipf(n: number, s: number): Float64Array {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / (r + 1) ** s;
  for (let r = 0; r < n; r++) cdf[r]! /= sum;
  return cdf;
}

/** A rank drawn from `cdf`. */
function draw(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! < u) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The most common words of chat, most common first: the head of the distribution. */
const ENGLISH = `the i to you a and it is that of for on in we this be can with have just not so do what but at
are will was if me my get no yes ok from all there up out about now they one like know think need how when good time
see today going would should here then back new make our check fix let more also got some work thanks please any want
done did deploy build test meeting call issue server release update review branch merge change code team tomorrow
morning week later again still sure maybe really right well great cool nice sorry problem error bug ticket doc link
page user data file config log run start stop open close lunch coffee friday monday plan idea question answer thing
people customer report sprint design api database cache queue staging production rollback alert incident`.split(/\s+/);

/** Words with marks and in other scripts, placed in the tail: searched for without their marks. */
const FOREIGN = [
  'café',
  'naïve',
  'Müller',
  'résumé',
  'façade',
  'jalapeño',
  'Zürich',
  'déjà',
  'привет',
  'спасибо',
  'сервер',
  'Москва',
  'καλημέρα',
  'ευχαριστώ',
  'Αθήνα',
  'λόγος',
];
const FOREIGN_FIRST_RANK = 2_000;
const FOREIGN_RANK_STEP = 150;

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'ch', 'dr'];
const MORE_ONSETS = ['gl', 'kr', 'pl', 'sh', 'st', 'th', 'tr', 'w', 'y', 'sk'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'a', 'e', 'o', 'ai', 'ou', 'ea', 'io'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 't', 'm', 'nd', 'st', 'x'];

/** A pronounceable made-up word of `syllables` syllables. */
function pseudoWord(rand: () => number, syllables: number): string {
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  let word = '';
  for (let s = 0; s < syllables; s++)
    word += pick(rand() < 0.8 ? ONSETS : MORE_ONSETS) + pick(NUCLEI) + (s === syllables - 1 ? pick(CODAS) : '');
  return word;
}

/** VOCABULARY words by rank: English first, made-up words after (longer down the tail), FOREIGN in the tail. */
function vocabulary(rand: () => number): string[] {
  const words = [...ENGLISH];
  const taken = new Set(words);
  while (words.length < VOCABULARY) {
    const rank = words.length;
    const foreign = (rank - FOREIGN_FIRST_RANK) / FOREIGN_RANK_STEP;
    if (Number.isInteger(foreign) && foreign >= 0 && foreign < FOREIGN.length) {
      words.push(FOREIGN[foreign]!);
      continue;
    }
    const syllables = 1 + (rank > 400 ? 1 : 0) + (rank > 2_000 ? 1 : 0) + (rand() < 0.3 ? 1 : 0);
    const word = pseudoWord(rand, syllables);
    if (!taken.has(word)) {
      taken.add(word);
      words.push(word);
    }
  }
  return words;
}

/** A person's name: a made-up word, capitalized. */
const nameOf = (word: string) => word[0]!.toUpperCase() + word.slice(1);

interface World {
  words: string[];
  users: string[]; // names; index = author index
  rooms: { id: string; name: string; isPrivate: boolean; members: number[] }[];
  viewerRooms: Set<number>;
}

function world(): World {
  const rand = random(SEED);
  const words = vocabulary(rand);
  const names = new Set<string>([VIEWER]);
  const users: string[] = [];
  while (users.length < USERS) {
    const name = nameOf(pseudoWord(rand, 2 + (rand() < 0.5 ? 1 : 0)));
    if (names.has(name.toLowerCase())) continue;
    names.add(name.toLowerCase());
    users.push(name);
  }
  // Room r by rank (r = 0 the busiest); the viewer is in 20 of them, busy and quiet alike.
  const rooms = Array.from({ length: ROOMS }, (_, r) => ({
    id: `room-${String(r).padStart(2, '0')}`,
    name: `${nameOf(words[200 + r]!)} ${r}`,
    isPrivate: r % 4 === 3,
    members: [] as number[],
  }));
  const viewerRooms = new Set(rooms.map((_, r) => r).filter((r) => r % 5 === 0 || r % 5 === 2));
  if (viewerRooms.size !== VIEWER_ROOMS) throw new Error('the viewer must be in 20 rooms');
  // Everyone is in 6 to 15 rooms; every room has at least 8 members.
  for (let u = 0; u < USERS; u++) {
    const count = 6 + Math.floor(rand() * 10);
    const mine = new Set<number>();
    while (mine.size < count) mine.add(Math.floor(rand() * ROOMS));
    for (const r of mine) rooms[r]!.members.push(u);
  }
  for (const room of rooms) for (let u = 0; room.members.length < 8; u++) room.members.push(u);
  return { words, users, rooms, viewerRooms };
}

interface SeededMessage {
  room: number;
  author: number; // index into World.users
  text: string;
  /** Ranks of its words, in order. */
  ranks: number[];
}

/** The messages, in order, by a generator of their own; `seed` picks which. */
function* messages(w: World, count: number, seed: number): Generator<SeededMessage> {
  const rand = random(seed);
  const wordCdf = zipf(VOCABULARY, WORD_ZIPF);
  const roomCdf = zipf(ROOMS, ROOM_ZIPF);
  const authorCdfs = w.rooms.map((room) => zipf(room.members.length, 1));
  const endings = ['.', '.', '.', '!', '?', ''];
  for (let i = 0; i < count; i++) {
    const room = draw(roomCdf, rand());
    const author = w.rooms[room]!.members[draw(authorCdfs[room]!, rand())]!;
    const u = rand();
    const length = SENTENCE_MIN + Math.floor(u * u * (SENTENCE_MAX - SENTENCE_MIN + 1));
    const ranks: number[] = [];
    let text = '';
    for (let k = 0; k < length; k++) {
      const rank = draw(wordCdf, rand());
      ranks.push(rank);
      const word = w.words[rank]!;
      text += k === 0 ? nameOf(word) : ` ${word}`;
      if (k < length - 1 && rand() < 0.06) text += ',';
    }
    yield { room, author, text: text + endings[Math.floor(rand() * endings.length)]!, ranks };
  }
}

/** One search the bench sends, and how many results the seeded text guarantees (at most a page). */
interface Query {
  text: string;
  min: number;
}
const CLASSES = ['common words', 'rare words', 'prefixes', 'two words', 'phrases', 'from:name + word'] as const;
type QueryClass = (typeof CLASSES)[number];

/** What a seeded database holds, kept in it: the queries and what they must find. */
interface Meta {
  fingerprint: string;
  seedSeconds: number;
  viewerRooms: string[];
  sendRoom: string;
  queries: Record<QueryClass, Query[]>;
}

const fingerprint = JSON.stringify({
  // A database seeded before a migration is seeded again, with it.
  migrations: Object.keys(migrations('sqlite')),
  SEED_VERSION,
  SEED,
  MESSAGES,
  ROOMS,
  VIEWER_ROOMS,
  USERS,
  VOCABULARY,
  WORD_ZIPF,
  ROOM_ZIPF,
});

/** A phrase is taken from every this many messages of the viewer's rooms (about 40% of them). */
const PHRASE_EVERY = Math.max(7, Math.floor(MESSAGES / 40)) | 1;
/** `from:name` is asked with one of this many most common words. */
const FROM_WORDS = 30;

/** Counts, in the viewer's rooms, while the messages are seeded: the ground truth of the queries. */
class Truth {
  /** Messages of the viewer's rooms holding each word (by rank). */
  readonly docs = new Uint32Array(VOCABULARY);
  private readonly seen = new Uint32Array(VOCABULARY);
  /** Candidate pairs of words for `two words`, and the messages holding both. */
  readonly pairs: [number, number][] = [];
  readonly pairDocs: number[] = [];
  /** Messages per author and common word, for `from:`. */
  readonly authorDocs = new Uint32Array(USERS * FROM_WORDS);
  readonly phrases: string[] = [];
  private n = 0;

  constructor(private readonly w: World) {
    const rand = random(SEED + 1);
    while (this.pairs.length < 10) {
      const a = 1 + Math.floor(rand() * 60);
      const b = 1 + Math.floor(rand() * 60);
      if (a !== b) this.pairs.push([a, b]);
    }
    this.pairDocs = this.pairs.map(() => 0);
  }

  add(m: SeededMessage): void {
    if (!this.w.viewerRooms.has(m.room)) return;
    const n = ++this.n;
    for (const rank of m.ranks) {
      if (this.seen[rank] === n) continue;
      this.seen[rank] = n;
      this.docs[rank]!++;
      if (rank < FROM_WORDS) this.authorDocs[m.author * FROM_WORDS + rank]!++;
    }
    this.pairs.forEach(([a, b], p) => {
      if (this.seen[a] === n && this.seen[b] === n) this.pairDocs[p]!++;
    });
    // A phrase of 2 or 3 words as written, from every so many messages.
    if (n % PHRASE_EVERY === 0 && this.phrases.length < 12 && m.ranks.length >= 3) {
      const length = 2 + (n % 2);
      const start = n % (m.ranks.length - length + 1);
      this.phrases.push(
        m.ranks
          .slice(start, start + length)
          .map((r) => this.w.words[r]!)
          .join(' '),
      );
    }
  }
}
/** The queries of each class, and what they must find, from what was seeded. */
function pickQueries(w: World, t: Truth): Record<QueryClass, Query[]> {
  const page = (n: number) => Math.min(PAGE, n);
  const word = (rank: number): Query => ({ text: w.words[rank]!, min: page(t.docs[rank]!) });
  /** A prefix finds at least what its most frequent word finds. */
  const prefix = (text: string): Query => {
    let most = 0;
    w.words.forEach((candidate, rank) => {
      if (searchWords(candidate).startsWith(text)) most = Math.max(most, t.docs[rank]!);
    });
    return { text, min: page(most) };
  };
  // Words of the tail that the viewer's rooms have (at 1,000,000 messages: a few hundred messages each).
  const foreignRanks = new Set(FOREIGN.map((_, i) => FOREIGN_FIRST_RANK + i * FOREIGN_RANK_STEP));
  const rareRanks = [2_500, 2_777, 3_001, 3_333, 3_600, 3_911, 4_200, 4_444, 4_700, 4_900].map((rank) => {
    while (rank < VOCABULARY - 1 && (t.docs[rank] === 0 || foreignRanks.has(rank))) rank++;
    return rank;
  });
  const foreign = FOREIGN.map((_, i) => FOREIGN_FIRST_RANK + i * FOREIGN_RANK_STEP).filter((_, i) => i % 2 === 0);
  const commonRanks = [0, 1, 2, 3, 5, 8, 12, 17, 23, 30];
  const authors = Array.from({ length: USERS }, (_, a) => a)
    .map((a) => ({ a, total: t.authorDocs.slice(a * FROM_WORDS, (a + 1) * FROM_WORDS).reduce((x, y) => x + y, 0) }))
    .sort((x, y) => y.total - x.total);
  return {
    'common words': commonRanks.map(word),
    'rare words': [
      ...rareRanks.map(word),
      // Typed without their marks, in lower case: folding must find them.
      ...foreign.map((rank) => ({ ...word(rank), text: searchWords(w.words[rank]!) })),
    ],
    // 2 to 4 letters of common words, 3 or 4 of rare ones: never the whole word.
    prefixes: [
      ...w.words
        .slice(0, 60)
        .filter((word) => word.length >= 4)
        .slice(0, 5)
        .map((word, i) => prefix(word.slice(0, Math.min(2 + (i % 3), word.length - 1)))),
      ...rareRanks.slice(0, 5).map((rank, i) => prefix(w.words[rank]!.slice(0, 3 + (i % 2)))),
    ],
    'two words': t.pairs.map(([a, b], p) => ({ text: `${w.words[a]} ${w.words[b]}`, min: page(t.pairDocs[p]!) })),
    phrases: t.phrases.map((phrase) => ({ text: `"${phrase}"`, min: 1 })),
    'from:name + word': authors.slice(0, 8).map(({ a }, i) => {
      const rank = [0, 2, 4, 7, 10, 15, 20, 29][i]!;
      return { text: `from:${w.users[a]} ${w.words[rank]}`, min: page(t.authorDocs[a * FROM_WORDS + rank]!) };
    }),
  };
}

// ---------------------------------------------------------------------------------------
// Seeding, straight into the database after the store's own migrations.

/** What seeding writes, in either store. */
interface Writer {
  users(rows: { name: string; hash: string }[]): Promise<number[]>;
  rooms(rows: string[]): Promise<void>;
  members(rows: string[]): Promise<void>;
  /** Messages with ids from `firstId`, and their search words exactly as the store writes them. */
  messages(
    batch: SeededMessage[],
    roomIds: string[],
    seqs: number[],
    authorIds: number[],
    firstId: number,
    at: number,
  ): Promise<void>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  sql(statement: string): Promise<void>;
  close(): Promise<void>;
}

const rowsSql = (rows: number, columns: number, row: (params: string[]) => string, dollar: boolean) =>
  Array.from({ length: rows }, (_, r) =>
    row(Array.from({ length: columns }, (_, c) => (dollar ? `$${r * columns + c + 1}` : '?'))),
  ).join(', ');

function sqliteWriter(path: string): Writer {
  const db = new SQLite(path);
  db.pragma('synchronous = OFF'); // seeding: a crash means seeding again
  const statements = new Map<string, SQLite.Statement>();
  const prepare = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = db.prepare(text)));
    return statement;
  };
  return {
    async users(rows) {
      return rows.map((row) =>
        Number(
          prepare('insert into users (name, name_key, password_hash, created_at) values (?, ?, ?, ?)').run(
            row.name,
            row.name.toLowerCase(),
            row.hash,
            START_MS,
          ).lastInsertRowid,
        ),
      );
    },
    async rooms(rows) {
      for (const row of rows) db.exec(row);
    },
    async members(rows) {
      for (const row of rows) db.exec(row);
    },
    async messages(batch, roomIds, seqs, authorIds, firstId, at) {
      const values: (string | number)[] = [];
      const words: (string | number)[] = [];
      batch.forEach((m, i) => {
        values.push(firstId + i, roomIds[i]!, seqs[i]!, authorIds[i]!, m.text, at + i * STEP_MS);
        words.push(firstId + i, searchWords(m.text));
      });
      prepare(
        `insert into messages (id, room_id, seq, author_id, text, created_at) values ${rowsSql(batch.length, 6, (p) => `(${p.join(', ')})`, false)}`,
      ).run(values);
      prepare(
        `insert into message_words (rowid, words) values ${rowsSql(batch.length, 2, (p) => `(${p.join(', ')})`, false)}`,
      ).run(words);
    },
    async begin() {
      db.exec('begin');
    },
    async commit() {
      db.exec('commit');
    },
    async sql(statement) {
      db.exec(statement);
    },
    async close() {
      db.close();
    },
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  return {
    async users(rows) {
      const ids: number[] = [];
      for (const row of rows) {
        const result = await client.query<{ id: string }>(
          'insert into users (name, name_key, password_hash, created_at) values ($1, $2, $3, $4) returning id',
          [row.name, row.name.toLowerCase(), row.hash, START_MS],
        );
        ids.push(Number(result.rows[0]!.id));
      }
      return ids;
    },
    async rooms(rows) {
      for (const row of rows) await client.query(row);
    },
    async members(rows) {
      for (const row of rows) await client.query(row);
    },
    async messages(batch, roomIds, seqs, authorIds, firstId, at) {
      const values: (string | number)[] = [];
      batch.forEach((m, i) => {
        values.push(firstId + i, roomIds[i]!, seqs[i]!, authorIds[i]!, m.text, at + i * STEP_MS, searchWords(m.text));
      });
      await client.query(
        `insert into messages (id, room_id, seq, author_id, text, created_at, words) overriding system value values ${rowsSql(
          batch.length,
          7,
          (p) => `(${p.slice(0, 6).join(', ')}, to_tsvector('simple', ${p[6]}))`,
          true,
        )}`,
        values,
      );
    },
    async begin() {
      await client.query('begin');
    },
    async commit() {
      await client.query('commit');
    },
    async sql(statement) {
      await client.query(statement);
    },
    async close() {
      await client.end();
    },
  };
}

/** Seeds an empty, migrated database; returns what it holds. */
async function seed(kind: Kind, url: string): Promise<Meta> {
  const started = Date.now();
  const store = openStore(url);
  await store.migrate();
  await store.close();
  const w = world();
  const truth = new Truth(w);
  const writer = kind === 'sqlite' ? sqliteWriter(url.slice('file:'.length)) : await postgresWriter(url);
  const bool = (value: boolean) => (kind === 'sqlite' ? (value ? 1 : 0) : value);
  try {
    // The GIN index is built once at the end, as CREATE INDEX would on a table that has rows.
    if (kind === 'postgres') await writer.sql('drop index messages_words');
    const hash = await hashPassword(PASSWORD);
    const [viewerId] = await writer.users([{ name: VIEWER, hash }]);
    const userIds = await writer.users(w.users.map((name) => ({ name, hash })));
    await writer.rooms(
      w.rooms.map(
        (room) =>
          `insert into rooms (id, name, is_private, kind, last_seq, last_event, created_at, last_activity_at)
           values ('${room.id}', '${room.name}', ${bool(room.isPrivate)}, 'CHANNEL', 0, 0, ${START_MS}, ${START_MS})`,
      ),
    );
    const memberRows: string[] = [];
    w.rooms.forEach((room, r) => {
      const ids = room.members.map((u) => userIds[u]!);
      if (w.viewerRooms.has(r)) ids.push(viewerId!);
      memberRows.push(
        `insert into room_members (room_id, user_id, joined_at, role, read_seq) values ${ids
          .map((id) => `('${room.id}', ${id}, ${START_MS}, 'MEMBER', 0)`)
          .join(', ')}`,
      );
    });
    await writer.members(memberRows);

    const seqs = new Array<number>(ROOMS).fill(0);
    let batch: SeededMessage[] = [];
    let id = 1;
    let batches = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      if (batches % BATCHES_PER_TRANSACTION === 0) await writer.begin();
      await writer.messages(
        batch,
        batch.map((m) => w.rooms[m.room]!.id),
        batch.map((m) => ++seqs[m.room]!),
        batch.map((m) => userIds[m.author]!),
        id,
        START_MS + (id - 1) * STEP_MS,
      );
      id += batch.length;
      batch = [];
      if (++batches % BATCHES_PER_TRANSACTION === 0) await writer.commit();
      if (batches % 100 === 0)
        process.stdout.write(`\r  seeding: ${(id - 1).toLocaleString('en')} messages, ${elapsed(started)} s `);
    };
    for (const m of messages(w, MESSAGES, SEED + 2)) {
      truth.add(m);
      batch.push(m);
      if (batch.length === BATCH) await flush();
    }
    await flush();
    if (batches % BATCHES_PER_TRANSACTION !== 0) await writer.commit();
    process.stdout.write('\n');

    // What the store does with every message it appends: a MESSAGE_ADDED change of the
    // room's feed at the same seq (the rooms had no other changes), and the room's counters.
    await writer.sql(`insert into room_events (room_id, seq, kind, message_id, user_id, created_at)
                      select room_id, seq, 'MESSAGE_ADDED', id, null, created_at from messages`);
    await writer.sql(`update rooms set last_seq = coalesce((select max(seq) from messages m where m.room_id = rooms.id), 0),
                        last_event = coalesce((select max(seq) from messages m where m.room_id = rooms.id), 0),
                        last_activity_at = coalesce((select max(created_at) from messages m where m.room_id = rooms.id), created_at)`);
    // Everyone has read everything.
    if (kind === 'postgres')
      // ids were given: the identity goes on after them
      await writer.sql(`select setval(pg_get_serial_sequence('messages', 'id'), (select max(id) from messages))`);
    await writer.sql(
      `update room_members set read_seq = (select last_seq from rooms r where r.id = room_members.room_id)`,
    );
    if (kind === 'postgres') {
      // Long-lived tables are compact, and their autovacuum not running during the timing.
      await writer.sql('vacuum full messages');
      await writer.sql('create index messages_words on messages using gin (words)');
      await writer.sql('vacuum analyze');
    } else {
      await writer.sql('analyze');
    }

    const viewerRooms = [...w.viewerRooms].map((r) => w.rooms[r]!.id);
    const meta: Meta = {
      fingerprint,
      seedSeconds: (Date.now() - started) / 1000,
      viewerRooms,
      sendRoom: viewerRooms[0]!,
      queries: pickQueries(w, truth),
    };
    await writer.sql('create table bench_search_seed (meta text not null)');
    await writer.sql(`insert into bench_search_seed (meta) values ('${JSON.stringify(meta).replaceAll("'", "''")}')`);
    return meta;
  } finally {
    await writer.close();
  }
}

const elapsed = (since: number) => ((Date.now() - since) / 1000).toFixed(1);

/** The seeded database of this kind, seeded now unless one with the same parameters is kept. */
async function seeded(kind: Kind): Promise<{ url: string; meta: Meta; reused: boolean }> {
  if (kind === 'sqlite') {
    mkdirSync(SQLITE_DIR, { recursive: true });
    const path = `${SQLITE_DIR}/seeded-${MESSAGES}.db`;
    const url = `file:${path}`;
    if (existsSync(path)) {
      const db = new SQLite(path);
      const meta = readMeta(() => db.prepare('select meta from bench_search_seed').get() as { meta: string });
      db.close();
      if (meta) return { url, meta, reused: true };
    }
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
    return { url, meta: await seed(kind, url), reused: false };
  }
  const url = databaseUrl(PG_DATABASE);
  const admin = await adminClient();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [PG_DATABASE]);
    if (exists.rowCount) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const row = await client.query<{ meta: string }>('select meta from bench_search_seed').catch(() => undefined);
      await client.end();
      const meta = readMeta(() => row?.rows[0]);
      if (meta) return { url, meta, reused: true };
      await admin.query(`drop database ${PG_DATABASE} with (force)`);
    }
    await admin.query(`create database ${PG_DATABASE}`);
  } finally {
    await admin.end();
  }
  return { url, meta: await seed(kind, url), reused: false };
}

/** The kept database's description, if it has one for these parameters. */
function readMeta(read: () => { meta: string } | undefined): Meta | undefined {
  try {
    const meta = JSON.parse(read()?.meta ?? 'null') as Meta | null;
    return meta?.fingerprint === fingerprint ? meta : undefined;
  } catch {
    return undefined; // no such table: seeding did not finish
  }
}

/** DATABASE_URL with another database in it. */
function databaseUrl(database: string): string {
  const url = new URL(POSTGRES_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminClient(): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  return admin;
}

// ---------------------------------------------------------------------------------------
// Timing through the server.

function startServer(url: string): Promise<ServerProcess> {
  return ServerProcess.start(
    'parley',
    process.execPath,
    [PROJECT_ENTRY],
    { NODE_ENV: 'production', RATE_LIMITS: 'off', WEB: '0', LOG_LEVEL: 'warn', REDIS_URL: '', DATABASE_URL: url },
    REPO_ROOT,
    '/readyz',
  );
}

async function signIn(url: string): Promise<string> {
  const { signIn } = await gql<{ signIn: { token: string } }>(
    url,
    '',
    'mutation($n: String!, $p: String!) { signIn(name: $n, password: $p) { token } }',
    { n: VIEWER, p: PASSWORD },
  );
  return signIn.token;
}

interface ClassResult {
  queries: number;
  /** Timed searches: REQUESTS unless the class ran out of CLASS_BUDGET_MS. */
  requests: number;
  p50: number;
  p99: number;
  resultsMin: number;
  resultsMax: number;
  /** The query whose median was the slowest, and that median. */
  slowest: { query: string; p50: number };
}

/** What is wrong with a page of results for `query`, if anything. */
function check(query: Query, result: SearchResult, viewerRooms: Set<string>): string[] {
  const problems: string[] = [];
  const { terms, from } = parseSearch(query.text);
  const edges = result.edges;
  if (edges.length < query.min) problems.push(`${edges.length} results, the seeded text has at least ${query.min}`);
  if (edges.length > PAGE) problems.push(`${edges.length} results in a page of ${PAGE}`);
  let previous = Infinity;
  for (const { node } of edges) {
    const bad = (why: string) => problems.push(`message ${node.id} (${JSON.stringify(node.text)}): ${why}`);
    if (!viewerRooms.has(node.roomId)) bad(`in room ${node.roomId}, not one of the viewer's`);
    if (!(Number(node.id) < previous)) bad('not newest first');
    previous = Number(node.id);
    if (from !== null && node.author.name.toLowerCase() !== from.toLowerCase()) bad(`by ${node.author.name}`);
    const tokens = searchTokens(node.text);
    for (const term of terms) {
      const found = term.phrase
        ? tokens.some((_, i) => term.tokens.every((t, k) => tokens[i + k] === t))
        : tokens.some((t) => t.startsWith(term.tokens[0]!));
      if (!found) bad(`does not hold ${term.phrase ? `"${term.tokens.join(' ')}"` : `${term.tokens[0]}…`}`);
    }
  }
  return problems;
}

async function timeClass(
  url: string,
  token: string,
  queries: Query[],
  viewerRooms: Set<string>,
  failures: string[],
): Promise<ClassResult> {
  const samples: number[] = [];
  const perQuery = queries.map(() => [] as number[]);
  let resultsMin = Infinity;
  let resultsMax = 0;
  const started = Date.now();
  for (let i = 0; i < WARM_UP + REQUESTS; i++) {
    // A class far over the target is not timed for minutes: its p99 is clear sooner.
    if (Date.now() - started > CLASS_BUDGET_MS && samples.length >= CLASS_MIN_SAMPLES) break;
    const query = queries[i % queries.length]!;
    const t = process.hrtime.bigint();
    const data = await gql<{ search: SearchResult }>(url, token, SEARCH, { q: query.text });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (i < WARM_UP) {
      // Every query is checked in full once; the timed ones by count.
      for (const problem of check(query, data.search, viewerRooms)) failures.push(`${query.text}: ${problem}`);
      continue;
    }
    const count = data.search.edges.length;
    if (count < query.min || data.search.edges.some((e) => !viewerRooms.has(e.node.roomId)))
      failures.push(`${query.text}: ${check(query, data.search, viewerRooms).join('; ')}`);
    samples.push(ms);
    perQuery[i % queries.length]!.push(ms);
    resultsMin = Math.min(resultsMin, count);
    resultsMax = Math.max(resultsMax, count);
  }
  samples.sort((a, b) => a - b);
  const medians = perQuery.map((s) =>
    percentile(
      s.sort((a, b) => a - b),
      50,
    ),
  );
  const worst = medians.indexOf(Math.max(...medians));
  return {
    queries: queries.length,
    requests: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    resultsMin,
    resultsMax,
    slowest: { query: queries[worst]!.text, p50: medians[worst]! },
  };
}

/** sendMessage's latencies, one at a time into one room, after a warm-up. */
async function timeSends(url: string, room: string, count: number, seed: number): Promise<number[]> {
  const token = await signIn(url);
  const texts = messages(world(), SEND_WARM_UP + count, seed);
  const samples: number[] = [];
  let i = 0;
  for (const m of texts) {
    const t = process.hrtime.bigint();
    await gql(url, token, 'mutation($r: ID!, $t: String!) { sendMessage(roomId: $r, text: $t) { id } }', {
      r: room,
      t: m.text,
    });
    if (i++ >= SEND_WARM_UP) samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return samples;
}

// ---------------------------------------------------------------------------------------
// Why a class is slow: the query the store sends, and the database's plan for it.

async function explain(kind: Kind, url: string, viewerId: string, text: string): Promise<string> {
  const captured: CompiledQuery[] = [];
  const log = (event: { level: string; query: CompiledQuery }) => void captured.push(event.query);
  const sqlite = kind === 'sqlite' ? new SQLite(url.slice('file:'.length), { readonly: true }) : undefined;
  const pool = kind === 'postgres' ? new pg.Pool({ connectionString: url, max: 1 }) : undefined;
  const db = new Kysely<Schema>({
    dialect: sqlite ? new SqliteDialect({ database: sqlite }) : new PostgresDialect({ pool: pool! }),
    log,
  });
  try {
    const store = new KyselyStore(db, sqlite ? SQLITE : POSTGRES);
    const { terms, from } = parseSearch(text);
    const author = from === null ? undefined : await store.userByName(from);
    captured.length = 0;
    const started = process.hrtime.bigint();
    await store.search({
      userId: viewerId,
      roomId: null,
      authorId: author?.id ?? null,
      terms,
      beforeId: null,
      limit: PAGE + 1,
    });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const query = captured.at(-1)!;
    const lines = [
      `query ${text}: ${ms.toFixed(1)} ms at the store`,
      query.sql,
      `parameters: ${JSON.stringify(query.parameters)}`,
    ];
    if (sqlite) {
      const plan = sqlite.prepare(`explain query plan ${query.sql}`).all(...(query.parameters as unknown[])) as {
        id: number;
        parent: number;
        detail: string;
      }[];
      const depth = new Map<number, number>([[0, 0]]);
      for (const row of plan) {
        const d = (depth.get(row.parent) ?? 0) + 1;
        depth.set(row.id, d);
        lines.push(`${'  '.repeat(d)}${row.detail}`);
      }
    } else {
      const client = await pool!.connect();
      try {
        const custom = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) ${query.sql}`,
          query.parameters as unknown[],
        );
        lines.push('EXPLAIN (ANALYZE, BUFFERS), bound parameters:', ...custom.rows.map((r) => r['QUERY PLAN']));
        // The server sends it as a named prepared statement: after 5 runs PostgreSQL may keep a generic plan.
        await client.query(`prepare bench_search as ${query.sql}`);
        await client.query('set plan_cache_mode = force_generic_plan');
        const literals = (query.parameters as unknown[]).map((p) => `'${String(p).replaceAll("'", "''")}'`);
        const generic = await client.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers) execute bench_search(${literals.join(', ')})`,
        );
        lines.push('the generic plan (a prepared statement):', ...generic.rows.map((r) => r['QUERY PLAN']));
      } finally {
        client.release(true);
      }
    }
    return lines.join('\n');
  } finally {
    await db.destroy();
  }
}

// ---------------------------------------------------------------------------------------
// What the index costs.

interface IndexCost {
  bytesWith: number;
  bytesWithout: number;
  /** PostgreSQL: the GIN index alone; the tsvector column's share is the rest of the difference. */
  ginBytes?: number;
  sendWith: number[];
  sendWithout: number[];
  note: string;
}

const fileSize = (path: string) => statSync(path).size;

/** Runs the sends alternately in `with` and `without`, SEND_ROUNDS rounds. */
async function sendRounds(
  withUrl: string,
  withoutUrl: string,
  room: string,
): Promise<{ with: number[]; without: number[] }> {
  const result = { with: [] as number[], without: [] as number[] };
  for (let round = 0; round < SEND_ROUNDS; round++) {
    for (const variant of ['with', 'without'] as const) {
      const server = await startServer(variant === 'with' ? withUrl : withoutUrl);
      try {
        result[variant].push(...(await timeSends(server.url, room, SENDS / SEND_ROUNDS, SEED + 10 + round)));
      } finally {
        agent.destroy();
        await server.stop();
      }
    }
  }
  return result;
}

async function sqliteIndexCost(url: string, meta: Meta): Promise<IndexCost> {
  const path = url.slice('file:'.length);
  const withPath = `${SQLITE_DIR}/copy-with.db`;
  const withoutPath = `${SQLITE_DIR}/copy-without.db`;
  const original = new SQLite(path);
  original.pragma('wal_checkpoint(TRUNCATE)');
  original.close();
  try {
    const vacuumed = (copy: string, change: string) => {
      copyFileSync(path, copy);
      const db = new SQLite(copy);
      db.pragma('journal_mode = DELETE');
      db.exec(change);
      db.exec('vacuum');
      db.close();
      return fileSize(copy);
    };
    const bytesWith = vacuumed(withPath, '');
    const bytesWithout = vacuumed(withoutPath, 'drop table message_words');
    // The store still writes to message_words: a view whose triggers do nothing takes the writes.
    const db = new SQLite(withoutPath);
    db.exec(`create view message_words (rowid, words) as select null, null where 0;
             create trigger message_words_insert instead of insert on message_words begin select 1; end;
             create trigger message_words_delete instead of delete on message_words begin select 1; end;`);
    db.close();
    const sends = await sendRounds(`file:${withPath}`, `file:${withoutPath}`, meta.sendRoom);
    return {
      bytesWith,
      bytesWithout,
      sendWith: sends.with,
      sendWithout: sends.without,
      note: 'sizes: the database file after VACUUM of a copy with the FTS5 table and of one without it',
    };
  } finally {
    for (const copy of [withPath, withoutPath])
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  }
}

const PG_COPY_WITH = `${PG_DATABASE}_with`;
const PG_COPY_WITHOUT = `${PG_DATABASE}_without`;

async function dropPostgresCopies(): Promise<void> {
  const admin = await adminClient();
  try {
    for (const copy of [PG_COPY_WITH, PG_COPY_WITHOUT])
      await admin.query(`drop database if exists ${copy} with (force)`);
  } finally {
    await admin.end();
  }
}

async function postgresIndexCost(meta: Meta): Promise<IndexCost> {
  await dropPostgresCopies();
  const admin = await adminClient();
  try {
    for (const copy of [PG_COPY_WITH, PG_COPY_WITHOUT]) {
      // A template must have no connections: an autovacuum worker may still be leaving.
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.query(`create database ${copy} template ${PG_DATABASE} strategy file_copy`);
          break;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
    }
  } finally {
    await admin.end();
  }
  try {
    const one = async <T extends pg.QueryResultRow>(database: string, statements: string[]): Promise<T | undefined> => {
      const client = new pg.Client({ connectionString: databaseUrl(database) });
      await client.connect();
      try {
        let last: T | undefined;
        for (const statement of statements) last = (await client.query<T>(statement)).rows[0];
        return last;
      } finally {
        await client.end();
      }
    };
    const sizes = await one<{ total: string; gin: string }>(PG_COPY_WITH, [
      `select pg_total_relation_size('messages') as total, pg_relation_size('messages_words') as gin`,
    ]);
    // Without: no GIN index, no tsvector column, the table rewritten; then the column again
    // (empty), since the store still computes and writes the tsvector of every message.
    const without = await one<{ total: string }>(PG_COPY_WITHOUT, [
      'drop index messages_words',
      'alter table messages drop column words',
      'vacuum full messages',
      `select pg_total_relation_size('messages') as total`,
    ]);
    await one(PG_COPY_WITHOUT, ['alter table messages add column words tsvector', 'analyze messages']);
    const sends = await sendRounds(databaseUrl(PG_COPY_WITH), databaseUrl(PG_COPY_WITHOUT), meta.sendRoom);
    return {
      bytesWith: Number(sizes!.total),
      bytesWithout: Number(without!.total),
      ginBytes: Number(sizes!.gin),
      sendWith: sends.with,
      sendWithout: sends.without,
      note:
        "sizes: pg_total_relation_size('messages') (heap, TOAST, every index) with the words column and its GIN index, " +
        'and after dropping both and VACUUM FULL; sendMessage without: the GIN index dropped, the tsvector still computed and stored',
    };
  } finally {
    await dropPostgresCopies();
  }
}

// ---------------------------------------------------------------------------------------

interface StoreResult {
  kind: Kind;
  seedSeconds: number;
  reused: boolean;
  classes: Partial<Record<QueryClass, ClassResult>>;
  plans: string[];
  cost?: IndexCost;
  failures: string[];
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
const ms = (value: number) => value.toFixed(2);

async function run(kind: Kind): Promise<StoreResult> {
  console.log(`\n${kind}:`);
  const { url, meta, reused } = await seeded(kind);
  console.log(
    reused
      ? `  kept database, seeded earlier in ${meta.seedSeconds.toFixed(1)} s`
      : `  seeded ${MESSAGES.toLocaleString('en')} messages in ${meta.seedSeconds.toFixed(1)} s`,
  );
  const result: StoreResult = { kind, seedSeconds: meta.seedSeconds, reused, classes: {}, plans: [], failures: [] };
  const viewerRooms = new Set(meta.viewerRooms);
  const server = await startServer(url);
  let viewerId = '';
  try {
    const token = await signIn(server.url);
    viewerId = (await gql<{ me: { id: string } }>(server.url, token, '{ me { id } }', {})).me.id;
    for (const name of CLASSES) {
      const outcome = await timeClass(server.url, token, meta.queries[name], viewerRooms, result.failures);
      result.classes[name] = outcome;
      console.log(
        `  ${name.padEnd(18)} p50 ${ms(outcome.p50).padStart(7)} ms   p99 ${ms(outcome.p99).padStart(7)} ms   ` +
          `results ${outcome.resultsMin}-${outcome.resultsMax}   (${outcome.requests} searches)`,
      );
    }
  } finally {
    agent.destroy();
    await server.stop();
  }
  for (const name of CLASSES) {
    const outcome = result.classes[name]!;
    if (outcome.p99 > TARGET_P99_MS)
      result.plans.push(`${name}:\n${await explain(kind, url, viewerId, outcome.slowest.query)}`);
  }
  result.cost = kind === 'sqlite' ? await sqliteIndexCost(url, meta) : await postgresIndexCost(meta);
  return result;
}

function report(results: StoreResult[]): boolean {
  console.log(
    `\nsearch, ${MESSAGES.toLocaleString('en')} messages in ${ROOMS} rooms, the viewer in ${VIEWER_ROOMS}; ${REQUESTS} searches a class, first: ${PAGE}`,
  );
  const header = ['class', ...results.map((r) => `${r.kind}: p50 / p99 ms, results`)];
  const rows = CLASSES.map((name) => [
    name,
    ...results.map((r) => {
      const c = r.classes[name]!;
      const miss = c.p99 > TARGET_P99_MS ? ' OVER' : '';
      const results = c.resultsMin === c.resultsMax ? `${c.resultsMin}` : `${c.resultsMin}-${c.resultsMax}`;
      return `${ms(c.p50)} / ${ms(c.p99)}${miss}, ${results}${c.requests < REQUESTS ? ` (${c.requests} searches)` : ''}`;
    }),
  ]);
  const costRows = [
    ['seeding', ...results.map((r) => `${r.seedSeconds.toFixed(1)} s${r.reused ? ' (kept)' : ''}`)],
    ...(['with', 'without'] as const).map((variant) => [
      `size ${variant} index`,
      ...results.map((r) => mb(variant === 'with' ? r.cost!.bytesWith : r.cost!.bytesWithout)),
    ]),
    [
      "index's share",
      ...results.map((r) => {
        const c = r.cost!;
        const share = `${mb(c.bytesWith - c.bytesWithout)}, ${(((c.bytesWith - c.bytesWithout) / c.bytesWith) * 100).toFixed(1)}%`;
        return c.ginBytes === undefined
          ? share
          : `${share} (GIN ${mb(c.ginBytes)}, ${((c.ginBytes / c.bytesWith) * 100).toFixed(1)}%)`;
      }),
    ],
    ...(['with', 'without'] as const).map((variant) => [
      `sendMessage ${variant}`,
      ...results.map((r) => {
        const s = [...(variant === 'with' ? r.cost!.sendWith : r.cost!.sendWithout)].sort((a, b) => a - b);
        return `${ms(percentile(s, 50))} / ${ms(percentile(s, 99))} ms (${s.length})`;
      }),
    ]),
  ];
  const all = [header, ...rows, ...costRows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of [...rows, ...costRows]) console.log(line(row));
  for (const r of results) console.log(`${r.kind} ${r.cost!.note}`);

  let ok = true;
  for (const r of results) {
    for (const name of CLASSES) {
      const c = r.classes[name]!;
      if (c.p99 > TARGET_P99_MS) {
        ok = false;
        console.log(
          `\n${r.kind}: ${name} p99 ${ms(c.p99)} ms, over ${TARGET_P99_MS} ms (slowest query ${c.slowest.query}, p50 ${ms(c.slowest.p50)} ms)`,
        );
      }
    }
    for (const plan of r.plans) console.log(`\n${r.kind} plan, ${plan}`);
    if (r.failures.length > 0) {
      ok = false;
      console.log(
        `\n${r.kind}: ${r.failures.length} wrong results, the first:\n  ${r.failures.slice(0, 10).join('\n  ')}`,
      );
    }
  }
  console.log(`\ntarget p99 <= ${TARGET_P99_MS} ms in every class, every result right: ${ok ? 'met' : 'NOT met'}`);
  if (options.json) console.log(JSON.stringify({ messages: MESSAGES, results }, null, 2));
  return ok;
}

const deadline = setTimeout(() => {
  console.error(`\nbench:search: over its time limit (${TIME_LIMIT_MS / 60_000} min); stopping`);
  process.exit(1); // server-process.ts kills the servers on exit
}, TIME_LIMIT_MS);
deadline.unref();

const kinds: Kind[] = options.store ? [options.store as Kind] : POSTGRES_URL ? ['sqlite', 'postgres'] : ['sqlite'];
if (kinds.includes('postgres') && !POSTGRES_URL) throw new Error('--store postgres needs DATABASE_URL=postgres://…');
const results: StoreResult[] = [];
for (const kind of kinds) results.push(await run(kind));
process.exit(report(results) ? 0 : 1);
