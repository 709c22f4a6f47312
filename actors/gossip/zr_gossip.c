/* zr_gossip: the failure detector's table (a plain array sorted by id, self excluded), its timers,
 * local health and the output, fact and change queues (zlistx of copies); algorithm in zr_gossip.h. */
#include "actors/gossip/zr_gossip.h"
#include <czmq.h>

#define ON_TIME_TICKS_TO_HEAL 8   /* ticks on time in a row that lower the health score by one */
#define FAILED_BEAT_EVERY 10      /* failed members hear our table every this many intervals */

typedef struct {
    int64_t id;
    uint64_t incarnation;      /* 0: never heard */
    zr_gossip_state_t state;
    uint64_t seq;              /* highest known for that incarnation */
    int64_t heard_ms;          /* local time seq last went up (creation or reset time until then) */
    int64_t suspected_ms;      /* when it became SUSPECT */
    int stretch;               /* our local health score then: the suspicion lasts (1 + it) times */
    int64_t failed_ms;         /* when it was declared failed */
    zr_gossip_view_t view;     /* what it last told of itself */
} entry_t;

struct zr_gossip {
    int64_t self_id;
    uint64_t incarnation;
    int64_t base_ms, suspect_ms, fail_ms, cleanup_ms, grace_ms;
    int max_health, health, on_time;
    size_t max_entries;
    uint64_t seq;              /* own heartbeat */
    uint64_t rng;              /* splitmix64 state */
    uint64_t beats;            /* intervals so far */
    zr_gossip_view_t view;     /* what we tell of ourselves */
    entry_t *entries;          /* other members, sorted by id */
    size_t count;
    int64_t next_beat;
    int64_t last_seen;         /* latest time passed in */
    int64_t resumed_ms;        /* creation or end of the latest own pause: timers start here */
    zr_gossip_rejoin_t rejoin; /* pending, until taken */
    int64_t rejoin_source;
    zlistx_t *outputs, *facts, *changes;
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
    config->suspect_after_ms = timings->suspect_after_ms;
    config->fail_after_ms = timings->fail_after_ms;
    config->cleanup_after_ms = timings->cleanup_after_ms;
    config->startup_grace_ms = timings->gossip_startup_grace_ms;
    config->max_health = timings->local_health_max;
}

static bool timings_valid(const zr_gossip_config_t *config)
{
    return config->base_interval_ms > 0 && config->fail_after_ms > config->base_interval_ms
           && config->suspect_after_ms > 0 && config->suspect_after_ms < config->fail_after_ms
           && config->cleanup_after_ms >= config->fail_after_ms && config->startup_grace_ms >= 0
           && config->max_health >= 0 && config->max_health <= 16
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

/* A member never heard: incarnation 0, stamped now (a start-up grace counts from here). */
static entry_t fresh_entry(int64_t id, int64_t now_ms)
{
    return (entry_t) { .id = id, .state = ZR_GOSSIP_ALIVE, .heard_ms = now_ms };
}

/* The table: every member but self, never heard. */
static bool table_init(zr_gossip_t *self, const zr_gossip_config_t *config, int64_t now_ms)
{
    int64_t *ids = sorted_ids(config);
    if (!ids)
        return false;
    self->entries = calloc(config->server_count + 1, sizeof *self->entries);
    for (size_t i = 0; self->entries && i < config->server_count; i++)
        if (ids[i] != self->self_id)
            self->entries[self->count++] = fresh_entry(ids[i], now_ms);
    free(ids);
    return self->entries != NULL;
}

static void apply_config(zr_gossip_t *self, const zr_gossip_config_t *config, int64_t now_ms)
{
    self->self_id = config->self_id;
    self->incarnation = config->self_incarnation;
    self->base_ms = config->base_interval_ms;
    self->suspect_ms = config->suspect_after_ms;
    self->fail_ms = config->fail_after_ms;
    self->cleanup_ms = config->cleanup_after_ms;
    self->grace_ms = config->startup_grace_ms;
    self->max_health = config->max_health;
    self->max_entries = config->max_entries ? config->max_entries
                                            : zr_gossip_msg_entries_fit(ZR_PROTO_UDP_MAX_PAYLOAD);
    self->seq = config->first_seq;
    self->rng = config->random_seed;
    self->next_beat = self->last_seen = self->resumed_ms = now_ms;
}

zr_gossip_t *zr_gossip_new(const zr_gossip_config_t *config, int64_t now_ms)
{
    if (!config || config->self_id < 0 || config->self_incarnation == 0
        || (config->server_count && !config->server_ids) || !timings_valid(config))
        return NULL;
    zr_gossip_t *self = calloc(1, sizeof *self);
    if (!self)
        return NULL;
    apply_config(self, config, now_ms);
    self->outputs = queue_new();
    self->facts = queue_new();
    self->changes = queue_new();
    if (!table_init(self, config, now_ms) || !self->outputs || !self->facts || !self->changes)
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
    zlistx_destroy(&self->changes);
    free(self->entries);
    free(self);
    *self_p = NULL;
}

/* ---- facts and changes ------------------------------------------------------------------ */

static void queue_fact(zr_gossip_t *self, const zr_gossip_fact_t *fact)
{
    queue_push(self->facts, fact, used_size(offsetof(zr_gossip_fact_t, msg.entries), &fact->msg));
}

/* A fact about one member (never a RECEIVED, which carries the message). */
static void push_fact(zr_gossip_t *self, zr_gossip_fact_kind_t kind, const entry_t *entry,
                      int64_t source_id, int64_t now_ms)
{
    zr_gossip_fact_t fact = { .kind = kind, .self_id = self->self_id, .at_ms = now_ms,
                              .server_id = entry->id, .incarnation = entry->incarnation,
                              .seq = entry->seq, .source_id = source_id,
                              .silent_ms = now_ms - entry->heard_ms };
    queue_fact(self, &fact);
}

/* Moves the entry to `state` and tells the rest of the process. */
static void set_state(zr_gossip_t *self, entry_t *entry, zr_gossip_state_t state)
{
    entry->state = state;
    if (state == ZR_GOSSIP_CLEANED)
        return;
    zr_gossip_change_t change = { entry->id, entry->incarnation, state };
    queue_push(self->changes, &change, sizeof change);
}

/* ---- the table's timers ----------------------------------------------------------------- */

static entry_t *find(const zr_gossip_t *self, int64_t id)
{
    return bsearch(&id, self->entries, self->count, sizeof *self->entries, id_order);
}

static bool heard(const entry_t *entry)
{
    return entry->incarnation != 0;
}

/* Timers never start before our own latest pause ended: that silence was ours. */
static int64_t since(const zr_gossip_t *self, int64_t when)
{
    return when > self->resumed_ms ? when : self->resumed_ms;
}

/* When an ALIVE entry becomes SUSPECT: suspect_after_ms after it last went up; a member never
 * heard from gets the start-up grace (NEVER: it is never suspected). */
static int64_t suspect_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    if (heard(entry))
        return since(self, entry->heard_ms) + self->suspect_ms;
    if (self->grace_ms >= ZR_TIMING_NEVER)
        return INT64_MAX;
    return since(self, entry->heard_ms) + (self->grace_ms > self->suspect_ms ? self->grace_ms
                                                                             : self->suspect_ms);
}

/* When a SUSPECT entry fails: the rest of fail_after_ms, stretched by our local health when the
 * suspicion began (or now, if worse: a suspicion never gets shorter). */
static int64_t fail_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    int stretch = entry->stretch > self->health ? entry->stretch : self->health;
    return since(self, entry->suspected_ms) + (self->fail_ms - self->suspect_ms) * (1 + stretch);
}

/* When a FAILED entry leaves the gossiped table: as long after the declaration as
 * cleanup_after_ms is after fail_after_ms. */
static int64_t cleanup_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    return entry->failed_ms + (self->cleanup_ms - self->fail_ms);
}

static int64_t entry_deadline(const zr_gossip_t *self, const entry_t *entry)
{
    switch (entry->state) {
    case ZR_GOSSIP_ALIVE: return suspect_deadline(self, entry);
    case ZR_GOSSIP_SUSPECT: return fail_deadline(self, entry);
    case ZR_GOSSIP_FAILED: return cleanup_deadline(self, entry);
    default: return INT64_MAX;
    }
}

/* Suspected since its deadline (a late tick does not lengthen the suspicion). */
static void suspect(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    entry->suspected_ms = suspect_deadline(self, entry);
    entry->stretch = self->health;
    self->stats.suspicions++;
    push_fact(self, ZR_GOSSIP_FACT_SUSPECTED, entry, -1, now_ms);
    set_state(self, entry, ZR_GOSSIP_SUSPECT);
}

static void declare_failed(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    entry->failed_ms = now_ms;
    self->stats.failures++;
    push_fact(self, ZR_GOSSIP_FACT_FAILED, entry, -1, now_ms);
    set_state(self, entry, ZR_GOSSIP_FAILED);
}

static void check(zr_gossip_t *self, entry_t *entry, int64_t now_ms)
{
    if (entry->state == ZR_GOSSIP_ALIVE && now_ms >= suspect_deadline(self, entry))
        suspect(self, entry, now_ms);
    if (entry->state == ZR_GOSSIP_SUSPECT && now_ms >= fail_deadline(self, entry))
        declare_failed(self, entry, now_ms);
    if (entry->state == ZR_GOSSIP_FAILED && now_ms >= cleanup_deadline(self, entry)) {
        self->stats.cleaned++;
        push_fact(self, ZR_GOSSIP_FACT_CLEANED, entry, -1, now_ms);
        set_state(self, entry, ZR_GOSSIP_CLEANED);
    }
}

static void want_rejoin(zr_gossip_t *self, zr_gossip_rejoin_t reason, int64_t source_id)
{
    if (self->rejoin == ZR_GOSSIP_REJOIN_NONE) {
        self->rejoin = reason;
        self->rejoin_source = source_id;
    }
}

/* Clamps time that goes back. The owner calls at least every base interval (the next
 * heartbeat is never further away), so a silence longer than fail_after_ms / 2 (and than two
 * intervals) was our own pause: timers restart, health drops to the worst; one longer than
 * fail_after_ms has surely been taken for our death. */
static int64_t observe(zr_gossip_t *self, int64_t now_ms)
{
    if (now_ms < self->last_seen)
        return self->last_seen;
    int64_t silence = now_ms - self->last_seen;
    int64_t pause = self->fail_ms / 2 > 2 * self->base_ms ? self->fail_ms / 2 : 2 * self->base_ms;
    if (silence > pause) {
        self->resumed_ms = now_ms;
        self->health = self->max_health;
        self->stats.stalls++;
    }
    if (silence > self->fail_ms)
        want_rejoin(self, ZR_GOSSIP_REJOIN_PAUSED, self->self_id);
    self->last_seen = now_ms;
    return now_ms;
}

/* Local health from how late this tick is: late ones raise the score, a run on time lowers it. */
static void rate_lateness(zr_gossip_t *self, int64_t late_ms)
{
    if (late_ms > self->base_ms / 2) {
        self->stats.late_ticks++;
        self->on_time = 0;
        if (self->health < self->max_health)
            self->health++;
    } else if (late_ms < self->base_ms / 4 && ++self->on_time >= ON_TIME_TICKS_TO_HEAL) {
        self->on_time = 0;
        if (self->health > 0)
            self->health--;
    }
}

/* ---- sending ---------------------------------------------------------------------------- */

static uint64_t next_random(zr_gossip_t *self)
{
    uint64_t z = (self->rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static bool live(const entry_t *entry)
{
    return entry->state == ZR_GOSSIP_ALIVE || entry->state == ZR_GOSSIP_SUSPECT;
}

static size_t live_count(const zr_gossip_t *self)
{
    size_t count = 0;
    for (size_t i = 0; i < self->count; i++)
        count += live(&self->entries[i]);
    return count;
}

static const entry_t *nth_live(const zr_gossip_t *self, size_t n)
{
    for (size_t i = 0; i < self->count; i++)
        if (live(&self->entries[i]) && n-- == 0)
            return &self->entries[i];
    return NULL;
}

static void start_message(const zr_gossip_t *self, zr_gossip_output_t *out, int64_t to_id)
{
    out->to_id = to_id;
    out->msg.sender_id = self->self_id;
    out->msg.sender_incarnation = self->incarnation;
    out->msg.sender_seq = self->seq;
    out->msg.view = self->view;
    out->msg.count = 0;
}

static void emit(zr_gossip_t *self, const zr_gossip_output_t *out)
{
    size_t size = used_size(offsetof(zr_gossip_output_t, msg.entries), &out->msg);
    queue_push(self->outputs, out, size);
    self->stats.sent++;
}

static uint8_t row_flags(const entry_t *entry)
{
    if (entry->state == ZR_GOSSIP_SUSPECT)
        return ZR_GOSSIP_ENTRY_SUSPECT;
    return entry->state == ZR_GOSSIP_ALIVE ? 0 : ZR_GOSSIP_ENTRY_FAILED;
}

/* The whole table to one peer, in as many messages as max_entries requires (at least one). */
static void send_table(zr_gossip_t *self, int64_t to_id)
{
    zr_gossip_output_t out;
    start_message(self, &out, to_id);
    bool sent_one = false;
    for (size_t i = 0; i < self->count; i++) {
        const entry_t *entry = &self->entries[i];
        if (!heard(entry) || entry->state == ZR_GOSSIP_CLEANED)
            continue;
        out.msg.entries[out.msg.count++] = (zr_gossip_msg_entry_t) { entry->id, entry->incarnation,
                                                                     entry->seq, row_flags(entry) };
        if (out.msg.count == self->max_entries) {
            emit(self, &out);
            sent_one = true;
            out.msg.count = 0;
        }
    }
    if (out.msg.count > 0 || !sent_one)
        emit(self, &out);
}

/* One interval: the own sequence goes up; the table to a random live peer, a bare heartbeat to
 * every other live peer; and now and then the table to failed ones, which may be alive behind
 * a healed partition or woken from a pause, and must learn what we know. */
static void beat(zr_gossip_t *self)
{
    self->seq++;
    self->beats++;
    size_t live_members = live_count(self);
    const entry_t *target = live_members ? nth_live(self, (size_t) (next_random(self) % live_members)) : NULL;
    bool tell_failed = self->beats % FAILED_BEAT_EVERY == 0;
    zr_gossip_output_t out;
    for (size_t i = 0; i < self->count; i++) {
        const entry_t *entry = &self->entries[i];
        if (entry == target || (!live(entry) && tell_failed))
            send_table(self, entry->id);
        else if (live(entry)) {
            start_message(self, &out, entry->id);
            emit(self, &out);
        }
    }
}

void zr_gossip_tick(zr_gossip_t *self, int64_t now_ms)
{
    now_ms = observe(self, now_ms);
    for (size_t i = 0; i < self->count; i++)
        check(self, &self->entries[i], now_ms);
    if (now_ms >= self->next_beat) {
        rate_lateness(self, now_ms - self->next_beat);
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

/* Orders views by (knows a leader, epoch, leader id): which side of a partition wins. */
static int view_compare(const zr_gossip_view_t *a, const zr_gossip_view_t *b)
{
    bool a_leads = a->flags & ZR_GOSSIP_VIEW_LEADER, b_leads = b->flags & ZR_GOSSIP_VIEW_LEADER;
    if (a_leads != b_leads)
        return a_leads ? 1 : -1;
    if (!a_leads || (a->epoch == b->epoch && a->leader_id == b->leader_id))
        return 0;
    if (a->epoch != b->epoch)
        return a->epoch > b->epoch ? 1 : -1;
    return a->leader_id > b->leader_id ? 1 : -1;
}

/* A newer incarnation of the member: a new entry, heard now. */
static void join(zr_gossip_t *self, entry_t *entry, uint64_t incarnation, uint64_t seq, int64_t source,
                 int64_t now_ms)
{
    *entry = (entry_t) { .id = entry->id, .incarnation = incarnation, .seq = seq,
                         .heard_ms = now_ms, .state = ZR_GOSSIP_ALIVE };
    self->stats.joins++;
    push_fact(self, ZR_GOSSIP_FACT_JOINED, entry, source, now_ms);
    set_state(self, entry, ZR_GOSSIP_ALIVE);
}

/* A higher sequence of the known incarnation: merged, and a suspicion is refuted. */
static void update(zr_gossip_t *self, entry_t *entry, uint64_t seq, int64_t source, int64_t now_ms)
{
    entry->seq = seq;
    entry->heard_ms = now_ms;
    self->stats.merged++;
    push_fact(self, ZR_GOSSIP_FACT_UPDATED, entry, source, now_ms);
    if (entry->state == ZR_GOSSIP_SUSPECT) {
        self->stats.refutations++;
        push_fact(self, ZR_GOSSIP_FACT_REFUTED, entry, source, now_ms);
        set_state(self, entry, ZR_GOSSIP_ALIVE);
    }
}

static void merge_row(zr_gossip_t *self, const zr_gossip_msg_entry_t *row, int64_t source,
                      int64_t now_ms)
{
    entry_t *entry = row->server_id == self->self_id ? NULL : find(self, row->server_id);
    if (row->server_id == self->self_id)
        return;   /* rows about us: see read_about_self */
    if (!entry)
        self->stats.about_unknown++;
    else if (row->incarnation < entry->incarnation)
        self->stats.stale++;
    else if (row->incarnation > entry->incarnation) {
        if (row->flags & ZR_GOSSIP_ENTRY_FAILED)
            self->stats.about_failed++;   /* a start we never heard, already failed: nothing to add */
        else
            join(self, entry, row->incarnation, row->heartbeat_seq, source, now_ms);
    } else if (!live(entry))
        self->stats.about_failed++;
    else if (row->heartbeat_seq <= entry->seq)
        self->stats.stale++;
    else
        update(self, entry, row->heartbeat_seq, source, now_ms);
}

/* What a message says about us: our current incarnation declared failed by a peer whose view is
 * no older than ours means the cluster gave up on us. */
static void read_about_self(zr_gossip_t *self, const zr_gossip_msg_t *msg)
{
    for (size_t i = 0; i < msg->count && i < ZR_GOSSIP_MSG_MAX_ENTRIES; i++) {
        const zr_gossip_msg_entry_t *row = &msg->entries[i];
        if (row->server_id != self->self_id || row->incarnation != self->incarnation
            || !(row->flags & ZR_GOSSIP_ENTRY_FAILED))
            continue;
        self->stats.self_reported_failed++;
        if (view_compare(&msg->view, &self->view) >= 0)
            want_rejoin(self, ZR_GOSSIP_REJOIN_DECLARED, msg->sender_id);
    }
}

/* The leader we follow, alive, tells of a newer leader than itself: it stepped down, and we
 * follow nobody (e.g. after a heal we took its side's last votes just as it rejoined). */
static bool leader_moved_on(const zr_gossip_t *self, const zr_gossip_msg_t *msg)
{
    const zr_gossip_view_t *ours = &self->view;
    return (ours->flags & ZR_GOSSIP_VIEW_LEADER) && ours->leader_id != self->self_id
        && msg->sender_id == ours->leader_id && msg->view.leader_id != msg->sender_id
        && view_compare(&msg->view, ours) > 0;
}

/* Which incarnation of a member the sender is, to us (no change made yet). */
static zr_gossip_verdict_t judge_sender(zr_gossip_t *self, const zr_gossip_msg_t *msg, entry_t **sender_p)
{
    entry_t *sender = *sender_p = msg->sender_id == self->self_id ? NULL : find(self, msg->sender_id);
    if (!sender) {
        self->stats.from_unknown++;
        return ZR_GOSSIP_FROM_UNKNOWN;
    }
    if (msg->sender_incarnation > sender->incarnation)
        return ZR_GOSSIP_ACCEPTED;   /* a new start of it: joins */
    if (msg->sender_incarnation < sender->incarnation || !live(sender)) {
        self->stats.from_failed++;
        return ZR_GOSSIP_FROM_FAILED;
    }
    return ZR_GOSSIP_ACCEPTED;
}

/* The sender's own heartbeat: it joins (a new incarnation) or its sequence is merged. */
static void merge_sender(zr_gossip_t *self, entry_t *sender, const zr_gossip_msg_t *msg, int64_t now_ms)
{
    if (msg->sender_incarnation > sender->incarnation)
        join(self, sender, msg->sender_incarnation, msg->sender_seq, msg->sender_id, now_ms);
    else {
        zr_gossip_msg_entry_t own = { msg->sender_id, msg->sender_incarnation, msg->sender_seq, 0 };
        merge_row(self, &own, msg->sender_id, now_ms);
    }
    sender->view = msg->view;
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
    entry_t *sender;
    zr_gossip_verdict_t verdict = judge_sender(self, msg, &sender);
    record_receipt(self, msg, verdict, now_ms);
    if (verdict == ZR_GOSSIP_FROM_UNKNOWN)
        return verdict;
    read_about_self(self, msg);
    if (verdict == ZR_GOSSIP_FROM_FAILED) {
        if (view_compare(&msg->view, &self->view) > 0)
            want_rejoin(self, ZR_GOSSIP_REJOIN_SUPERSEDED, msg->sender_id);
        return verdict;
    }
    merge_sender(self, sender, msg, now_ms);
    for (size_t i = 0; i < msg->count && i < ZR_GOSSIP_MSG_MAX_ENTRIES; i++)
        merge_row(self, &msg->entries[i], msg->sender_id, now_ms);
    if (leader_moved_on(self, msg))
        want_rejoin(self, ZR_GOSSIP_REJOIN_SUPERSEDED, msg->sender_id);
    return verdict;
}

/* ---- views and rejoining ---------------------------------------------------------------- */

void zr_gossip_set_view(zr_gossip_t *self, const zr_gossip_view_t *view)
{
    self->view = *view;
}

zr_gossip_rejoin_t zr_gossip_take_rejoin(zr_gossip_t *self, int64_t *source_id)
{
    zr_gossip_rejoin_t reason = self->rejoin;
    if (source_id)
        *source_id = self->rejoin_source;
    self->rejoin = ZR_GOSSIP_REJOIN_NONE;
    return reason;
}

void zr_gossip_rejoin(zr_gossip_t *self, uint64_t incarnation, zr_gossip_rejoin_t reason,
                      int64_t source_id, int64_t now_ms)
{
    if (incarnation <= self->incarnation)
        return;
    self->incarnation = incarnation;
    self->view.flags &= (uint8_t) ~ZR_GOSSIP_VIEW_LEADER;   /* it looks for its leader afresh */
    for (size_t i = 0; i < self->count; i++)
        self->entries[i] = fresh_entry(self->entries[i].id, now_ms);
    self->rejoin = ZR_GOSSIP_REJOIN_NONE;
    self->stats.rejoins++;
    zr_gossip_fact_t fact = { .kind = ZR_GOSSIP_FACT_REJOINING, .self_id = self->self_id, .at_ms = now_ms,
                              .server_id = self->self_id, .incarnation = incarnation,
                              .source_id = source_id, .reason = reason };
    queue_fact(self, &fact);
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

bool zr_gossip_next_change(zr_gossip_t *self, zr_gossip_change_t *out)
{
    return queue_pop(self->changes, out);
}

bool zr_gossip_is_failed(const zr_gossip_t *self, int64_t id)
{
    const entry_t *entry = find(self, id);
    return entry && !live(entry);
}

bool zr_gossip_server_at(const zr_gossip_t *self, size_t index, zr_gossip_server_t *out)
{
    if (index >= self->count)
        return false;
    const entry_t *entry = &self->entries[index];
    *out = (zr_gossip_server_t) { entry->id, entry->incarnation, entry->state, entry->seq,
                                  entry->heard_ms, entry->view };
    return true;
}

void zr_gossip_stats(const zr_gossip_t *self, zr_gossip_stats_t *out)
{
    *out = self->stats;
    out->heartbeat_seq = self->seq;
    out->incarnation = self->incarnation;
    out->health = self->health;
}

const char *zr_gossip_state_name(zr_gossip_state_t state)
{
    switch (state) {
    case ZR_GOSSIP_ALIVE: return "ALIVE";
    case ZR_GOSSIP_SUSPECT: return "SUSPECT";
    case ZR_GOSSIP_FAILED: return "FAILED";
    case ZR_GOSSIP_CLEANED: return "CLEANED";
    }
    return "UNKNOWN";
}
