/* demo_shape.c — the cohort's proportions, dealt out exactly.
 *
 * The first seeded study (../shared/seeds/000: 46 patients, 58 hips) had
 * 12 bilateral patients, 32 men, etiology 36.2/32.8/12.1/19.0 %
 * (corticosteroid, idiopathic, alcohol, sickle cell), Steinberg I/II/III in
 * 14/29/15 hips, its Table 3's MRI outcome by stage (I 10/4/0, II 16/7/6,
 * III 3/6/6 improved/stable/progressed) and 6 of the 15 stage III hips
 * converted to THA. Each proportion is turned into counts for the cohort's
 * size by largest remainders and the counts are shuffled, so a 46-patient
 * demo has the study's own numbers and any other size the same shape. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "demo.h"

static const double bilateral_p = 12.0 / 46, male_p = 32.0 / 46;
static const double etiology_w[4] = {0.362, 0.328, 0.121, 0.190};
static const double stage_w[3] = {14.0 / 58, 29.0 / 58, 15.0 / 58};
static const double mri_w[3][3] = {{10, 4, 0}, {16, 7, 6}, {3, 6, 6}};   /* Table 3 */
static const double tha_p = 6.0 / 15;    /* of stage III hips */

/* Counts out[0..k) summing to n in proportion to w (largest remainder). */
static void quota(const double *w, int k, int n, int *out)
{
    double sum = 0, rem[8];
    for (int i = 0; i < k; i++)
        sum += w[i];
    int given = 0;
    for (int i = 0; i < k; i++) {
        double x = n * w[i] / sum;
        out[i] = (int)floor(x);
        rem[i] = x - out[i];
        given += out[i];
    }
    while (given < n) {
        int best = 0;
        for (int i = 1; i < k; i++)
            if (rem[i] > rem[best])
                best = i;
        out[best]++;
        rem[best] = -1;
        given++;
    }
}

/* labels[0..n): counts[i] copies of i, in random order. */
static void deal(demo_rng *r, const int *counts, int k, int *labels)
{
    int n = 0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < counts[i]; j++)
            labels[n++] = i;
    for (int i = n - 1; i > 0; i--) {
        int j = demo_rng_int(r, 0, i);
        int t = labels[i];
        labels[i] = labels[j];
        labels[j] = t;
    }
}

void demo_shape_deal(demo_shape *sh, int patients, uint64_t seed)
{
    memset(sh, 0, sizeof *sh);
    demo_rng r;
    demo_rng_seed(&r, seed ^ 0x5eed000dULL);
    int n = patients;
    sh->n_patients = n;
    int cnt[8];
    double two[2];

    sh->bilateral = xcalloc((size_t)n, sizeof *sh->bilateral);
    two[0] = 1 - bilateral_p;
    two[1] = bilateral_p;
    quota(two, 2, n, cnt);
    deal(&r, cnt, 2, sh->bilateral);
    sh->n_hips = n + cnt[1];

    sh->male = xcalloc((size_t)n, sizeof *sh->male);
    two[0] = 1 - male_p;
    two[1] = male_p;
    quota(two, 2, n, cnt);
    deal(&r, cnt, 2, sh->male);

    sh->etiology = xcalloc((size_t)n, sizeof *sh->etiology);
    quota(etiology_w, 4, n, cnt);
    deal(&r, cnt, 4, sh->etiology);

    int h = sh->n_hips;
    sh->stage = xcalloc((size_t)h, sizeof *sh->stage);
    sh->mri = xcalloc((size_t)h, sizeof *sh->mri);
    sh->tha = xcalloc((size_t)h, sizeof *sh->tha);
    quota(stage_w, 3, h, cnt);
    deal(&r, cnt, 3, sh->stage);
    int *lab = xcalloc((size_t)h + 1, sizeof *lab);
    for (int s = 0; s < 3; s++) {
        int in = 0, mc[3];
        for (int i = 0; i < h; i++)
            in += sh->stage[i] == s;
        quota(mri_w[s], 3, in, mc);
        deal(&r, mc, 3, lab);
        int k = 0, tha = s == 2 ? (int)lround(tha_p * in) : 0;
        /* Hips that convert are the ones that progressed (Table 3). */
        for (int i = 0; i < h; i++)
            if (sh->stage[i] == s) {
                sh->mri[i] = lab[k++] - 1;
                if (tha > 0 && sh->mri[i] == 1) {
                    sh->tha[i] = 1;
                    tha--;
                }
            }
        for (int i = 0; i < h && tha > 0; i++)
            if (sh->stage[i] == s && !sh->tha[i]) {
                sh->tha[i] = 1;
                sh->mri[i] = 1;
                tha--;
            }
    }
    for (int i = 0; i < h; i++)
        sh->stage[i]++;
    free(lab);
}

void demo_shape_free(demo_shape *sh)
{
    free(sh->bilateral);
    free(sh->male);
    free(sh->etiology);
    free(sh->stage);
    free(sh->mri);
    free(sh->tha);
    memset(sh, 0, sizeof *sh);
}
