/* zr_pending: requests live in a zlistx in id order (owner) and a zhashx by id; each one is
 * also parked in exactly one of two lists, `waiting` (no leader) or `to_send`, until it is sent. */
#include "actors/gateway/zr_pending.h"
#include "runtime/zr_job_key.h"

typedef enum { ENTRY_WAITING, ENTRY_TO_SEND, ENTRY_SENT } entry_state_t;

typedef struct {
    zr_job_key_t key;          /* gateway 0, the request id */
    uint8_t *source;
    size_t source_len;
    entry_state_t state;
    int64_t waiting_since;     /* while ENTRY_WAITING */
    uint32_t sends;
    void *order_handle;
    void *park_handle;         /* in waiting (ENTRY_WAITING) or to_send (ENTRY_TO_SEND) */
} entry_t;

struct _zr_pending_t {
    int64_t deadline_ms;
    bool has_leader;
    bool seen_epoch;           /* epoch holds the highest epoch seen */
    int64_t leader_id;
    uint64_t epoch;
    zhashx_t *entries;         /* key -> entry_t */
    zlistx_t *order;           /* entry_t by id (owns them) */
    zlistx_t *waiting;         /* entry_t by waiting_since */
    zlistx_t *to_send;         /* entry_t by id */
    zr_pending_expired_t *expired;   /* expired_count records; next one at expired_next */
    size_t expired_count;
    size_t expired_next;
    size_t expired_cap;
    zr_pending_stats_t stats;
};

static void entry_free(void **item_p)
{
    entry_t *entry = *item_p;
    if (entry) {
        free(entry->source);
        free(entry);
        *item_p = NULL;
    }
}

zr_pending_t *zr_pending_new(int64_t queue_deadline_ms)
{
    zr_pending_t *self = zmalloc(sizeof *self);
    self->deadline_ms = queue_deadline_ms > 0 ? queue_deadline_ms : 0;
    self->entries = zr_job_key_hashx_new();
    self->order = zlistx_new();
    zlistx_set_destructor(self->order, entry_free);
    self->waiting = zlistx_new();
    self->to_send = zlistx_new();
    return self;
}

void zr_pending_destroy(zr_pending_t **self_p)
{
    zr_pending_t *self = *self_p;
    if (!self)
        return;
    zlistx_destroy(&self->to_send);
    zlistx_destroy(&self->waiting);
    zhashx_destroy(&self->entries);
    zlistx_destroy(&self->order);
    free(self->expired);
    free(self);
    *self_p = NULL;
}

/* ---- parking: every unsent entry is in exactly one of waiting / to_send ---- */

static void entry_unpark(zr_pending_t *self, entry_t *entry)
{
    if (entry->park_handle)
        zlistx_detach(entry->state == ENTRY_WAITING ? self->waiting : self->to_send,
                      entry->park_handle);
    entry->park_handle = NULL;
}

/* Waits for a leader from now_ms if none is known, else queues it for the current one.
 * (Only called for entries not already waiting: while no leader is known none is parked
 * again, so a waiting entry keeps its start.) */
static void entry_park(zr_pending_t *self, entry_t *entry, int64_t now_ms)
{
    entry_unpark(self, entry);
    entry->state = self->has_leader ? ENTRY_TO_SEND : ENTRY_WAITING;
    entry->waiting_since = now_ms;
    entry->park_handle = zlistx_add_end(self->has_leader ? self->to_send : self->waiting, entry);
}

static void park_all(zr_pending_t *self, int64_t now_ms)
{
    for (entry_t *entry = zlistx_first(self->order); entry; entry = zlistx_next(self->order))
        entry_park(self, entry, now_ms);
}

static void entry_remove(zr_pending_t *self, entry_t *entry)
{
    entry_unpark(self, entry);
    zhashx_delete(self->entries, &entry->key);
    zlistx_delete(self->order, entry->order_handle);
}

/* ---- requests and leaders ---- */

bool zr_pending_accept_id(zr_pending_t *self, uint64_t request_id, const void *source, size_t len,
                          int64_t now_ms)
{
    zr_job_key_t key = { 0, request_id };
    if (request_id == 0 || zhashx_lookup(self->entries, &key))
        return false;
    entry_t *entry = zmalloc(sizeof *entry);
    entry->key = key;
    entry->source_len = len;
    entry->source = zmalloc(len ? len : 1);
    if (len)
        memcpy(entry->source, source, len);
    entry->order_handle = zlistx_add_end(self->order, entry);
    zhashx_insert(self->entries, &entry->key, entry);
    entry_park(self, entry, now_ms);
    self->stats.accepted++;
    return true;
}

bool zr_pending_leader_changed(zr_pending_t *self, int64_t leader_id, uint64_t epoch,
                               int64_t now_ms)
{
    if (leader_id < 0 || (self->seen_epoch && epoch < self->epoch)) {
        self->stats.leaders_refused++;
        return false;
    }
    if (self->has_leader && leader_id == self->leader_id && epoch == self->epoch)
        return false;
    self->has_leader = self->seen_epoch = true;
    self->leader_id = leader_id;
    self->epoch = epoch;
    park_all(self, now_ms);
    self->stats.leader_changes++;
    return true;
}

void zr_pending_leader_lost(zr_pending_t *self, int64_t now_ms)
{
    if (!self->has_leader)
        return;
    self->has_leader = false;
    park_all(self, now_ms);
}

bool zr_pending_leader(const zr_pending_t *self, int64_t *leader_id, uint64_t *epoch)
{
    if (leader_id)
        *leader_id = self->has_leader ? self->leader_id : -1;
    if (epoch)
        *epoch = self->epoch;
    return self->has_leader;
}

bool zr_pending_next_send(zr_pending_t *self, zr_pending_send_t *out)
{
    entry_t *entry = self->has_leader ? zlistx_head(self->to_send) : NULL;
    if (!entry)
        return false;
    entry_unpark(self, entry);
    entry->state = ENTRY_SENT;
    entry->sends++;
    self->stats.sends++;
    self->stats.resends += entry->sends > 1;
    *out = (zr_pending_send_t) {
        .request_id = entry->key.request_id, .leader_id = self->leader_id, .epoch = self->epoch,
        .source = entry->source, .source_len = entry->source_len, .attempt = entry->sends,
    };
    return true;
}

static entry_t *entry_find(zr_pending_t *self, uint64_t request_id)
{
    zr_job_key_t key = { 0, request_id };
    return zhashx_lookup(self->entries, &key);
}

zr_pending_verdict_t zr_pending_answer(zr_pending_t *self, uint64_t request_id,
                                       int64_t leader_id, uint64_t epoch)
{
    entry_t *entry = NULL;
    zr_pending_verdict_t verdict = ZR_PENDING_ANSWERED;
    if (!self->has_leader)
        verdict = ZR_PENDING_NO_LEADER;
    else if (leader_id != self->leader_id || epoch != self->epoch)
        verdict = ZR_PENDING_WRONG_LEADER;
    else if (!(entry = entry_find(self, request_id)))
        verdict = ZR_PENDING_UNKNOWN;
    else
        entry_remove(self, entry);
    self->stats.verdicts[verdict]++;
    return verdict;
}

bool zr_pending_cancel(zr_pending_t *self, uint64_t request_id)
{
    entry_t *entry = entry_find(self, request_id);
    if (!entry)
        return false;
    entry_remove(self, entry);
    self->stats.cancelled++;
    return true;
}

/* ---- expiry ---- */

int64_t zr_pending_next_deadline(const zr_pending_t *self)
{
    const entry_t *oldest = zlistx_head(self->waiting);
    return oldest ? oldest->waiting_since + self->deadline_ms : -1;
}

static void expired_push(zr_pending_t *self, zr_pending_expired_t record)
{
    if (self->expired_count == self->expired_cap) {
        self->expired_cap = self->expired_cap ? self->expired_cap * 2 : 16;
        self->expired = realloc(self->expired, self->expired_cap * sizeof *self->expired);
        assert(self->expired);
    }
    self->expired[self->expired_count++] = record;
}

size_t zr_pending_tick(zr_pending_t *self, int64_t now_ms)
{
    size_t expired = 0;
    entry_t *oldest;
    while ((oldest = zlistx_head(self->waiting))
           && oldest->waiting_since + self->deadline_ms <= now_ms) {
        expired_push(self, (zr_pending_expired_t) { oldest->key.request_id,
                                                    now_ms - oldest->waiting_since });
        entry_remove(self, oldest);
        expired++;
    }
    self->stats.expired += expired;
    return expired;
}

bool zr_pending_next_expired(zr_pending_t *self, zr_pending_expired_t *out)
{
    if (self->expired_next == self->expired_count) {
        self->expired_next = self->expired_count = 0;
        return false;
    }
    *out = self->expired[self->expired_next++];
    return true;
}

/* ---- figures ---- */

size_t zr_pending_count(const zr_pending_t *self)
{
    return zlistx_size(self->order);
}

void zr_pending_stats(const zr_pending_t *self, zr_pending_stats_t *out)
{
    *out = self->stats;
    out->pending = zlistx_size(self->order);
    out->waiting = zlistx_size(self->waiting);
}

const char *zr_pending_verdict_name(zr_pending_verdict_t verdict)
{
    static const char *const names[ZR_PENDING_VERDICTS] = {
        "ANSWERED", "NO_LEADER", "WRONG_LEADER", "UNKNOWN",
    };
    return verdict < ZR_PENDING_VERDICTS ? names[verdict] : "?";
}
