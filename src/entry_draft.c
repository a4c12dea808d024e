/* entry_draft.c — drafts: every accepted answer on disk at once, so that a
 * dropped connection, a closed window or a second session loses nothing.
 * A path that tells the nurse an answer is kept has written it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry.h"

int entry_draft_open(app *a, const entry_target *t, form_answers *ans, char uuid[37],
                     entry_error *e)
{
    st_record r;
    entry_build(t, ans, &r);    /* a draft keeps no scores: the store ignores them */
    r.status = 'd';
    char *err = NULL;
    int rc = store_draft_open(a->db, &r, &err);
    /* Joining a draft another session made does not write our answers:
     * write each one here, so every answer on screen is on disk. */
    const form *f = ans->f;
    for (int i = 0; rc == 0 && i < f->n_field; i++)
        if (ans->val[i])
            rc = store_draft_answer(a->db, r.uuid, f->field[i].id, ans->val[i], &err);
    if (rc == 0)
        memcpy(uuid, r.uuid, 37);
    st_record_free(&r);
    return rc == 0 ? ENTRY_OK : entry_fail_store(e, err, "the draft could not be written");
}

int entry_draft_write(app *a, const char *uuid, const form_answers *ans, int field,
                      const char *had, entry_error *e)
{
    const form *f = ans->f;
    char *err = NULL;
    int rc = store_draft_answer(a->db, uuid, f->field[field].id, ans->val[field], &err);
    for (int j = 0; had && j < f->n_field && rc == 0; j++)
        if (j != field && had[j] && !ans->val[j])
            rc = store_draft_answer(a->db, uuid, f->field[j].id, NULL, &err);
    return rc == 0 ? ENTRY_OK : entry_fail_store(e, err, "the answer could not be written");
}

int entry_draft_keep(app *a, const entry_target *t, form_answers *ans, char uuid[37],
                     int *made_new, entry_error *e)
{
    *made_new = 0;
    st_record d;
    int gone = 1;
    if (uuid[0] && store_draft_find(a->db, t->p.uuid, t->h ? t->h->uuid : "", t->tp, ans->f->id,
                                    &d) == 0) {
        gone = strcmp(d.uuid, uuid) != 0;
        st_record_free(&d);
    }
    if (!gone) {   /* still there: make sure it holds every answer on screen */
        const form *f = ans->f;
        char *err = NULL;
        int rc = 0;
        for (int i = 0; rc == 0 && i < f->n_field; i++)
            rc = store_draft_answer(a->db, uuid, f->field[i].id, ans->val[i], &err);
        return rc == 0 ? ENTRY_OK : entry_fail_store(e, err, "the draft could not be written");
    }
    char fresh[37];
    if (entry_draft_open(a, t, ans, fresh, e) != ENTRY_OK)
        return ENTRY_REFUSED;
    memcpy(uuid, fresh, 37);
    *made_new = 1;
    return ENTRY_OK;
}

int entry_draft_find(app *a, const entry_target *t, st_record *d)
{
    return store_draft_find(a->db, t->p.uuid, t->h ? t->h->uuid : "", t->tp, t->f->id, d);
}

int entry_draft_discard(app *a, const char *uuid, entry_error *e)
{
    char *err = NULL;
    return store_draft_discard(a->db, uuid, &err) == 0
               ? ENTRY_OK : entry_fail_store(e, err, "the draft could not be discarded");
}

void entry_draft_resume(const st_record *d, form_answers *ans)
{
    for (int i = 0; i < d->n_ans; i++) {
        int fi = form_field_index(ans->f, d->ans[i].key);
        if (fi >= 0)
            form_answer_load(ans, fi, d->ans[i].value);
    }
}
