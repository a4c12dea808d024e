/* demo_rng.c — the demo's own PRNG: xoshiro256** seeded through splitmix64
 * (Blackman and Vigna). Written out here rather than rand(), whose sequence
 * differs between C libraries: a seed must give the same cohort anywhere. */
#include <math.h>

#include "demo.h"

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void demo_rng_seed(demo_rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t demo_rng_next(demo_rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double demo_rng_unit(demo_rng *r)
{
    return (double)(demo_rng_next(r) >> 11) * 0x1.0p-53;
}

int demo_rng_int(demo_rng *r, int lo, int hi)
{
    return lo + (int)(demo_rng_unit(r) * (double)(hi - lo + 1));
}

/* Box-Muller; one value per call keeps the stream easy to reason about. */
double demo_rng_normal(demo_rng *r, double mean, double sd)
{
    double u = 1.0 - demo_rng_unit(r), v = demo_rng_unit(r);
    return mean + sd * sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

int demo_rng_chance(demo_rng *r, double p)
{
    return demo_rng_unit(r) < p;
}
