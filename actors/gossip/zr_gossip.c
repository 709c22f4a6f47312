/* zr_gossip: the failure detector's table (a plain array sorted by id, self excluded), its
 * timers and the output, fact and failure queues (zlistx of copies); algorithm in zr_gossip.h. */
#include "actors/gossip/zr_gossip.h"
#include <czmq.h>

typedef struct {
    int64_t id;
    zr_gossip_state_t state;
    uint64_t seq;              /* highest known, 0: never heard */
    int64_t heard_ms;          /* local time seq last went up (creation time until then) */
    int64_t failed_ms;         /* when it was declared failed */
} entry_t;

struct zr_gossip {
    int64_t self_id;
    int64_t base_ms, fail_ms, cleanup_ms, grace_ms;
    size_t max_entries;
    uint64_t seq;              /* own heartbeat */
    uint64_t rng;              /* splitmix64 state */
    entry_t *entries;          /* other members, sorted by id */
    size_t count;
    int64_t next_beat;
    int64_t last_seen;         /* latest time passed in */
    int64_t resumed_ms;        /* creation or end of the latest own pause: timers start here */
    zlistx_t *outputs, *facts, *failures;
    zr_gossip_stats_t stats;
};

/* ---- queues of copies ------------------------------------------------------------------ */

/* A queued copy: only the used part of a message is stored (rows past count are not). */
typedef struct {
    size_t size;
    unsigned char bytes[];
} item_t;

static void item_free(void **item_p)
{
    free(*item_p);
    *item_p = NULL;
}

static zlistx_t *queue_new(void)
{
    zlistx_t *queue = zlistx_new();
    if (queue)
        zlistx_set_destructor(queue, item_free);
    return queue;
}

/* Copies the first `size` bytes; a copy that cannot be allocated is dropped, like a lost
 * datagram. */
static void queue_push(zlistx_t *queue, const void *data, size_t size)
{
    item_t *item = malloc(sizeof *item + size);
    if (!item)
        return;
    item->size = size;
    memcpy(item->bytes, data, size);
    if (!zlistx_add_end(queue, item))
        free(item);
}

static bool queue_pop(zlistx_t *queue, void *out)
{
    item_t *item = zlistx_detach(queue, NULL);
    if (!item)
        return false;
    memcpy(out, item->bytes, item->size);
    free(item);
    return true;
}

/* Bytes of a struct up to its message's last used row; `rows_at` is the offset of
 * msg.entries in that struct. */
static size_t used_size(size_t rows_at, const zr_gossip_msg_t *msg)
{
    return rows_at + msg->count * sizeof msg->entries[0];
}

/* ---- configuration ---------------------------------------------------------------------- */

void zr_gossip_config_timings(zr_gossip_config_t *config, const zr_timings_t *timings)
{
    config->base_interval_ms = timings->base_interval_ms;
    config->fail_after_ms = timings->fail_after_ms;
    config->cleanup_after_ms = timings->cleanup_after_ms;
    config->startup_grace_ms = timings->gossip_startup_grace_ms;
}

static bool timings_valid(const zr_gossip_config_t *config)
{
    return config->base_interval_ms > 0 && config->fail_after_ms > config->base_interval_ms
           && config->cleanup_after_ms >= config->fail_after_ms && config->startup_grace_ms >= 0
           && config->max_entries <= ZR_GOSSIP_MSG_MAX_ENTRIES;
}

static int id_order(const void *a, const void *b)
{
    int64_t left = *(const int64_t *) a, right = *(const int64_t *) b;
    return (left > right) - (left < right);
}

/* Sorted copy of the ids; NULL on a negative or duplicate id. */
static int64_t *sorted_ids(const zr_gossip_config_t *config)
{
    int64_t *ids = malloc((config->server_count + 1) * sizeof *ids);
    if (!ids)
        return NULL;
    memcpy(ids, config->server_ids, config->server_count * sizeof *ids);
    qsort(ids, config->server_count, sizeof *ids, id_order);
    for (size_t i = 0; i < config->server_count; i++)
        if (ids[i] < 0 || (i > 0 && ids[i] == ids[i - 1])) {
            free(ids);
            return NULL;
        }
    return ids;
}

/* The table: every member but self, never heard, stamped now. */
static bool table_init(zr_gossip_t *self, const zr_gossip_config_t *config, int64_t now_ms)
{
    int64_t *ids = sorted_ids(config);
    if (!ids)
        return false;
    self->entries = calloc(config->server_count + 1, sizeof *self->entries);
    for (size_t i = 0; self->entries && i < config->server_count; i++)
        if (ids[i] != self->self_id)
            self->entries[self->count++] = (entry_t) { ids[i], ZR_GOSSIP_ALIVE, 0, now_ms, 0 };
    free(ids);
    return self->entries != NULL;
}

static void apply_config(zr_gossip_t *self, const zr_gossip_config_t *config, int64_t now_ms)
{
    self->self_id = config->self_id;
    self->base_ms = config->base_interval_ms;
    self->fail_ms = config->fail_after_ms;
    self->cleanup_ms = config->cleanup_after_ms;
    self->grace_ms = config->startup_grace_ms;
    self->max_entries = config->max_entries ? config->max_entries
                                            : zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD);
    self->seq = config->first_seq;
    self->rng = config->random_seed;
    self->next_beat = self->last_seen = self->resumed_ms = now_ms;
}

zr_gossip_t *zr_gossip_new(const zr_gossip_config_t *config, int64_t now_ms)
{
    if (!config || config->self_id < 0 || (config->server_count && !config->server_ids)
        || !timings_valid(config))
        return NULL;
    zr_gossip_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    apply_config(self, config, now_ms);
    self->outputs = queue_new();
    self->facts = queue_new();
    self->failures = queue_new();
    if (!table_init(self, config, now_ms) || !self->outputs || !self->facts || !self->failures)
        zr_gossip_destroy(&self);
    return self;
}

void zr_gossip_destroy(zr_gossip_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    zr_gossip_t *self = *self_p;
    zlistx_destroy(&self->outputs);
    zlistx_destroy(&self->facts);
    zlistx_destroy(&self->failures);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

/* ---- table ------------------------------------------------------------------------------ */

static entry_t *find(const zr_gossip_t *self, int64_t id)
{
    return bsearch(&id, self->entries, self->count, sizeof *self->entries, id_order);
}

/* When an ALIVE entry fails: fail_after_ms after it last went up or after our last pause,
 * whichever is later; a member never heard from gets at least the start-up grace. */
static int64_t fail_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    if (entry->seq == 0 && self->grace_ms >= ZR_TIMING_NEVER)
        return INT64_MAX;
    int64_t wait = entry->seq == 0 && self->grace_ms > self->fail_ms ? self->grace_ms
                                                                      : self->fail_ms;
    int64_t since = entry->heard_ms > self->resumed_ms ? entry->heard_ms : self->resumed_ms;
    return since + wait;
}

/* When a FAILED entry leaves the table: as long after the declaration as cleanup_after_ms
 * is after fail_after_ms, i.e. cleanup_after_ms after the last increase. */
static int64_t cleanup_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    return entry->failed_ms + (self->cleanup_ms - self->fail_ms);
}

static int64_t entry_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    if (entry->state == ZR_GOSSIP_ALIVE)
        return fail_deadline(self, entry);
    return entry->state == ZR_GOSSIP_FAILED ? cleanup_deadline(self, entry) : INT64_MAX;
}

static void queue_fact(zr_gossip_t *self, const zr_gossip_fact_t *fact)
{
    queue_push(self->facts, fact, used_size(offsetof(zr_gossip_fact_t, msg.entries), &fact->msg));
}

static void push_fact(zr_gossip_t *self, zr_gossip_fact_kind_t kind, int64_t server_id,
                      int64_t now_ms)
{
    zr_gossip_fact_t fact = { .kind = kind, .self_id = self->self_id, .at_ms = now_ms,
                              .server_id = server_id };
    queue_fact(self, &fact);
}

static void declare_failed(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    entry->state = ZR_GOSSIP_FAILED;
    entry->failed_ms = now_ms;
    self->stats.failures++;
    push_fact(self, ZR_GOSSIP_FACT_FAILED, entry->id, now_ms);
    queue_push(self->failures, &entry->id, sizeof entry->id);
}

static void clean(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    entry->state = ZR_GOSSIP_CLEANED;
    self->stats.cleaned++;
    push_fact(self, ZR_GOSSIP_FACT_CLEANED, entry->id, now_ms);
}

static void check(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    if (entry->state == ZR_GOSSIP_ALIVE && now_ms >= fail_deadline(self, entry))
        declare_failed(self, entry, now_ms);
    if (entry->state == ZR_GOSSIP_FAILED && now_ms >= cleanup_deadline(self, entry))
        clean(self, entry, now_ms);
}

/* Clamps time that goes back. The owner calls at least every base interval (the next
 * heartbeat is never further away), so a silence longer than fail_after_ms / 2 (and than two
 * intervals) was our own pause. */
static int64_t observe(zr_gossip_t *self, int64_t now_ms)
{
    if (now_ms < self->last_seen)
        return self->last_seen;
    int64_t pause = self->fail_ms / 2 > 2 * self->base_ms ? self->fail_ms / 2 : 2 * self->base_ms;
    if (now_ms - self->last_seen > pause) {
        self->resumed_ms = now_ms;
        self->stats.stalls++;
    }
    self->last_seen = now_ms;
    return now_ms;
}

/* ---- sending ---------------------------------------------------------------------------- */

static uint64_t next_random(zr_gossip_t *self)
{
    uint64_t z = (self->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t live_count(const zr_gossip_t *self)
{
    size_t live = 0;
    for (size_t i = 0; i < self->count; i++)
        live += self->entries[i].state == ZR_GOSSIP_ALIVE;
    return live;
}

static const entry_t *nth_live(const zr_gossip_t *self, size_t n)
{
    for (size_t i = 0; i < self->count; i++)
        if (self->entries[i].state == ZR_GOSSIP_ALIVE && n-- == 0)
            return &self->entries[i];
    return NULL;
}

static void start_message(const zr_gossip_t *self, zr_gossip_output_t *out, int64_t to_id)
{
    out->to_id = to_id;
    out->msg.sender_id = self->self_id;
    out->msg.sender_seq = self->seq;
    out->msg.count = 0;
}

static void emit(zr_gossip_t *self, const zr_gossip_output_t *out)
{
    size_t size = used_size(offsetof(zr_gossip_output_t, msg.entries), &out->msg);
    queue_push(self->outputs, out, size);
    self->stats.sent++;
}

static bool gossiped(const entry_t *entry)
{
    return entry->state != ZR_GOSSIP_CLEANED && entry->seq > 0;
}

/* The whole table to one peer, in as many messages as max_entries requires (at least one). */
static void send_table(zr_gossip_t *self, int64_t to_id)
{
    zr_gossip_output_t out;
    start_message(self, &out, to_id);
    bool sent_one = false;
    for (size_t i = 0; i < self->count; i++) {
        const entry_t *entry = &self->entries[i];
        if (!gossiped(entry))
            continue;
        uint8_t flags = entry->state == ZR_GOSSIP_ALIVE ? 0 : ZR_GOSSIP_ENTRY_FAILED;
        out.msg.entries[out.msg.count++] = (zr_gossip_msg_entry_t) { entry->id, entry->seq, flags };
        if (out.msg.count == self->max_entries) {
            emit(self, &out);
            sent_one = true;
            out.msg.count = 0;
        }
    }
    if (out.msg.count > 0 || !sent_one)
        emit(self, &out);
}

/* One interval: the own sequence goes up; the table to a random live peer, a bare
 * heartbeat to every other live peer. */
static void beat(zr_gossip_t *self)
{
    self->seq++;
    size_t live = live_count(self);
    if (live == 0)
        return;
    const entry_t *target = nth_live(self, (size_t) (next_random(self) % live));
    zr_gossip_output_t out;
    for (size_t i = 0; i < self->count; i++)
        if (self->entries[i].state == ZR_GOSSIP_ALIVE && &self->entries[i] != target) {
            start_message(self, &out, self->entries[i].id);
            emit(self, &out);
        }
    send_table(self, target->id);
}

void zr_gossip_tick(zr_gossip_t *self, int64_t now_ms)
{
    now_ms = observe(self, now_ms);
    for (size_t i = 0; i < self->count; i++)
        check(self, &self->entries[i], now_ms);
    if (now_ms >= self->next_beat) {
        beat(self);
        self->next_beat += self->base_ms;
        if (self->next_beat <= now_ms)   /* late by more than an interval: no burst */
            self->next_beat = now_ms + self->base_ms;
    }
}

int64_t zr_gossip_next_deadline(const zr_gossip_t *self)
{
    int64_t deadline = self->next_beat;
    for (size_t i = 0; i < self->count; i++) {
        int64_t due = entry_deadline(self, &self->entries[i]);
        if (due < deadline)
            deadline = due;
    }
    return deadline;
}

/* ---- receiving -------------------------------------------------------------------------- */

static void merge_row(zr_gossip_t *self, const zr_gossip_msg_entry_t *row, int64_t source,
                      int64_t now_ms)
{
    if (row->server_id == self->self_id) {
        self->stats.self_reported_failed += (row->flags & ZR_GOSSIP_ENTRY_FAILED) != 0;
        return;
    }
    entry_t *entry = find(self, row->server_id);
    if (!entry)
        self->stats.about_unknown++;
    else if (entry->state != ZR_GOSSIP_ALIVE)
        self->stats.about_failed++;
    else if (row->heartbeat_seq <= entry->seq)
        self->stats.stale++;
    else {
        entry->seq = row->heartbeat_seq;
        entry->heard_ms = now_ms;
        self->stats.merged++;
        zr_gossip_fact_t fact = { .kind = ZR_GOSSIP_FACT_UPDATED, .self_id = self->self_id,
                                  .at_ms = now_ms, .server_id = entry->id,
                                  .seq = entry->seq, .source_id = source };
        queue_fact(self, &fact);
    }
}

static zr_gossip_verdict_t judge_sender(zr_gossip_t *self, int64_t sender_id)
{
    const entry_t *sender = find(self, sender_id);   /* self is not in the table */
    if (!sender) {
        self->stats.from_unknown++;
        return ZR_GOSSIP_FROM_UNKNOWN;
    }
    if (sender->state != ZR_GOSSIP_ALIVE) {
        self->stats.from_failed++;
        return ZR_GOSSIP_FROM_FAILED;
    }
    return ZR_GOSSIP_ACCEPTED;
}

static void record_receipt(zr_gossip_t *self, const zr_gossip_msg_t *msg,
                           zr_gossip_verdict_t verdict, int64_t now_ms)
{
    zr_gossip_fact_t fact = { .kind = ZR_GOSSIP_FACT_RECEIVED, .self_id = self->self_id,
                              .at_ms = now_ms, .source_id = msg->sender_id,
                              .verdict = verdict, .msg = *msg };
    if (fact.msg.count > ZR_GOSSIP_MSG_MAX_ENTRIES)   /* not from the decoder: don't overrun */
        fact.msg.count = ZR_GOSSIP_MSG_MAX_ENTRIES;
    queue_fact(self, &fact);
}

zr_gossip_verdict_t zr_gossip_receive(zr_gossip_t *self, const zr_gossip_msg_t *msg,
                                      int64_t now_ms)
{
    now_ms = observe(self, now_ms);
    self->stats.received++;
    zr_gossip_verdict_t verdict = judge_sender(self, msg->sender_id);
    record_receipt(self, msg, verdict, now_ms);
    if (verdict != ZR_GOSSIP_ACCEPTED)
        return verdict;
    zr_gossip_msg_entry_t own = { msg->sender_id, msg->sender_seq, 0 };
    merge_row(self, &own, msg->sender_id, now_ms);
    for (size_t i = 0; i < msg->count && i < ZR_GOSSIP_MSG_MAX_ENTRIES; i++)
        merge_row(self, &msg->entries[i], msg->sender_id, now_ms);
    return verdict;
}

/* ---- queues and views ------------------------------------------------------------------- */

bool zr_gossip_next_output(zr_gossip_t *self, zr_gossip_output_t *out)
{
    return queue_pop(self->outputs, out);
}

bool zr_gossip_next_fact(zr_gossip_t *self, zr_gossip_fact_t *out)
{
    return queue_pop(self->facts, out);
}

bool zr_gossip_next_failure(zr_gossip_t *self, int64_t *id)
{
    return queue_pop(self->failures, id);
}

bool zr_gossip_is_failed(const zr_gossip_t *self, int64_t id)
{
    const entry_t *entry = find(self, id);
    return entry && entry->state != ZR_GOSSIP_ALIVE;
}

bool zr_gossip_server_at(const zr_gossip_t *self, size_t index, zr_gossip_server_t *out)
{
    if (index >= self->count)
        return false;
    const entry_t *entry = &self->entries[index];
    *out = (zr_gossip_server_t) { entry->id, entry->state, entry->seq, entry->heard_ms };
    return true;
}

void zr_gossip_stats(const zr_gossip_t *self, zr_gossip_stats_t *out)
{
    *out = self->stats;
    out->heartbeat_seq = self->seq;
}

const char *zr_gossip_state_name(zr_gossip_state_t state)
{
    switch (state) {
    case ZR_GOSSIP_ALIVE: return "ALIVE";
    case ZR_GOSSIP_FAILED: return "FAILED";
    case ZR_GOSSIP_CLEANED: return "CLEANED";
    }
    return "UNKNOWN";
}
