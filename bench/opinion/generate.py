#!/usr/bin/python3
"""Deterministic synthetic Polis-style conversations for the opinion-map benchmarks.

    generate.py NAME OUTDIR        NAME = medium | large | small

Writes OUTDIR/comments.csv, OUTDIR/votes.csv (Polis export format, 1 = agree,
-1 = disagree, 0 = pass, rows in increasing timestamp order), OUTDIR/groups.csv
(participant,group: a declared sector, third-sector / statutory / citizen) and
OUTDIR/latent.csv (participant,group: the hidden opinion group the votes were drawn
from, for checking how well a clustering recovers it).

The vote model: 4 latent opinion groups with centres in a 2-D opinion space; each
participant sits near their group's centre (Gaussian noise), each comment has a
direction in that space, a popularity offset and a pass rate; P(agree | not pass) is
the logistic of popularity + <participant position, comment direction>.  Participants
vote on an uneven (log-normal) number of comments, picked without replacement with
weights favouring earlier comments, and only on comments that existed when they
arrived.  About 1% of cells are voted twice (the earlier vote differs; the later one
is the final value).  About 3% of comments are moderated out (moderated = -1) and
about 5% are left unmoderated (0).  The number of distinct (voter, comment) cells is
exactly the size's vote count.
"""
import os
import sys
import time

import numpy as np

SIZES = {
    # name: (participants, comments, distinct cells, seed)
    "small": (300, 60, 9_000, 3),
    "medium": (2_000, 900, 225_000, 1),
    "large": (33_000, 800, 2_000_000, 2),
}
SECTORS = ["third-sector", "statutory", "citizen"]
START_MS = 1_700_000_000_000          # 2023-11-14
DURATION_MS = 45 * 24 * 3600 * 1000   # conversation open for 45 days
CHANGED_FRACTION = 0.01


def allocate_counts(rng, n_ptpts, caps, total):
    """Uneven votes per participant (log-normal), each <= its cap, summing to total."""
    w = rng.lognormal(mean=0.0, sigma=1.0, size=n_ptpts)
    lo, hi = 0.0, float(total) * 10 / w.sum() + 10
    for _ in range(100):          # bisection on the scale
        mid = (lo + hi) / 2
        s = np.minimum(caps, np.maximum(1, np.round(w * mid))).sum()
        if s < total:
            lo = mid
        else:
            hi = mid
    counts = np.minimum(caps, np.maximum(1, np.round(w * hi))).astype(np.int64)
    diff = int(counts.sum() - total)
    # fix the rounding remainder one vote at a time on randomly chosen participants
    order = rng.permutation(n_ptpts)
    i = 0
    while diff != 0:
        p = order[i % n_ptpts]
        if diff > 0 and counts[p] > 1:
            counts[p] -= 1
            diff -= 1
        elif diff < 0 and counts[p] < caps[p]:
            counts[p] += 1
            diff += 1
        i += 1
    return counts


def fmt_datetimes(ts_ms):
    """Polis-like 'Wed Jun 18 08:16:54 UTC 2014' strings, vectorised per day."""
    secs = ts_ms // 1000
    days = secs // 86400
    uniq = np.unique(days)
    prefix = {}
    for d in uniq.tolist():
        t = time.gmtime(d * 86400)
        prefix[d] = (time.strftime("%a %b %d ", t), time.strftime(" UTC %Y", t))
    sod = secs - days * 86400
    h, m, s = sod // 3600, (sod // 60) % 60, sod % 60
    return [f"{prefix[d][0]}{hh:02d}:{mm:02d}:{ss:02d}{prefix[d][1]}"
            for d, hh, mm, ss in zip(days.tolist(), h.tolist(), m.tolist(), s.tolist())]


def generate(name, outdir):
    n_p, n_c, n_votes, seed = SIZES[name]
    rng = np.random.default_rng(seed)

    # --- latent opinion structure -------------------------------------------------------
    n_groups = 4
    group_share = np.array([0.40, 0.30, 0.20, 0.10])
    group_centre = np.array([[1.6, 0.3], [-1.4, 0.9], [0.0, -1.7], [-0.6, -0.2]])
    latent = rng.choice(n_groups, size=n_p, p=group_share)
    theta = group_centre[latent] + rng.normal(0.0, 0.55, size=(n_p, 2))
    c_dir = rng.normal(0.0, 1.1, size=(n_c, 2))
    c_pop = rng.normal(0.4, 0.9, size=n_c)
    c_pass = rng.uniform(0.05, 0.35, size=n_c)
    # a few consensus comments: popular, low divisiveness
    cons = rng.random(n_c) < 0.08
    c_dir[cons] *= 0.15
    c_pop[cons] = rng.uniform(1.5, 3.0, size=int(cons.sum()))

    # --- declared sector, correlated with the latent group ------------------------------
    sector_given_group = np.array([
        [0.15, 0.10, 0.75],   # group 0 mostly citizens
        [0.65, 0.15, 0.20],   # group 1 mostly third sector
        [0.15, 0.65, 0.20],   # group 2 mostly statutory
        [0.35, 0.30, 0.35],   # group 3 mixed
    ])
    cum = sector_given_group.cumsum(axis=1)[latent]
    sector = (rng.random(n_p)[:, None] > cum).sum(axis=1)

    # --- timeline -----------------------------------------------------------------------
    # participants arrive over the whole period (sorted, so ids follow arrival order);
    # 10% of comments are seeds at the start, the rest appear during the first 70%.
    arrive = np.sort(rng.uniform(0, DURATION_MS * 0.95, size=n_p)).astype(np.int64)
    arrive = np.maximum(arrive, 60_000)
    n_seed = max(5, n_c // 10)
    c_time = np.concatenate([
        np.sort(rng.uniform(0, 60_000, size=n_seed)),
        np.sort(rng.uniform(60_000, DURATION_MS * 0.7, size=n_c - n_seed)),
    ]).astype(np.int64)
    available = np.searchsorted(c_time, arrive, side="right")   # comments 0..available-1 exist
    counts = allocate_counts(rng, n_p, available, n_votes)

    moderated = np.ones(n_c, dtype=np.int64)
    r = rng.random(n_c)
    moderated[r < 0.03] = -1
    moderated[(r >= 0.03) & (r < 0.08)] = 0
    if not (moderated == -1).any():
        moderated[int(np.argmin(r))] = -1

    # --- which comments each participant votes on (Gumbel top-k, in chunks) --------------
    log_w = -np.log1p(np.arange(n_c) / (n_c / 4.0))          # earlier comments favoured
    log_w = log_w + np.where(moderated == -1, -1.0, 0.0)     # moderated-out ones seen less
    voters, cmts, ranks = [], [], []
    chunk = 4_000
    cols = np.arange(n_c)
    for a in range(0, n_p, chunk):
        b = min(n_p, a + chunk)
        keys = log_w[None, :] + rng.gumbel(size=(b - a, n_c))
        keys[cols[None, :] >= available[a:b, None]] = -np.inf
        order = np.argsort(-keys, axis=1, kind="stable")
        take = cols[None, :] < counts[a:b, None]
        rows = np.broadcast_to(np.arange(a, b)[:, None], take.shape)
        voters.append(rows[take])
        cmts.append(order[take])
        ranks.append(np.broadcast_to(cols[None, :], take.shape)[take])
    voter = np.concatenate(voters)
    cmt = np.concatenate(cmts)
    rank = np.concatenate(ranks)                      # position in the participant's session

    # --- the final vote values ------------------------------------------------------------
    logit = c_pop[cmt] + (theta[voter] * c_dir[cmt]).sum(axis=1)
    p_agree = 1.0 / (1.0 + np.exp(-logit))
    u = rng.random(voter.size)
    is_pass = rng.random(voter.size) < c_pass[cmt]
    vote = np.where(is_pass, 0, np.where(u < p_agree, 1, -1)).astype(np.int64)

    # --- vote times: a session starting at arrival, 3-40 s between votes -------------------
    gaps = rng.integers(3_000, 40_000, size=voter.size)
    # cumulative gap within each participant's session (voter-major, rank order)
    csum = np.cumsum(gaps)
    start_of_voter = np.concatenate([[0], np.cumsum(counts)[:-1]])
    base = np.where(start_of_voter > 0, csum[start_of_voter - 1], 0)
    t = arrive[voter] + csum - np.repeat(base, counts)
    t = np.maximum(t, c_time[cmt] + 1000)

    # --- changed votes: ~1% of cells get an earlier, different vote -------------------------
    n_chg = int(round(voter.size * CHANGED_FRACTION))
    chg = rng.choice(voter.size, size=n_chg, replace=False)
    old_vote = (vote[chg] + 1 + rng.integers(1, 3, size=n_chg)) % 3 - 1   # != final vote
    # the final vote moves later by 10 s .. 2 days; the first vote keeps the original time
    t_final = t.copy()
    t_final[chg] = t[chg] + rng.integers(10_000, 2 * 86_400_000, size=n_chg)
    all_t = np.concatenate([t_final, t[chg]])
    all_v = np.concatenate([vote, old_vote])
    all_p = np.concatenate([voter, voter[chg]])
    all_c = np.concatenate([cmt, cmt[chg]])
    order = np.lexsort((all_c, all_p, all_t))
    all_t, all_v, all_p, all_c = all_t[order], all_v[order], all_p[order], all_c[order]
    # strictly increasing, unique millisecond timestamps
    idx = np.arange(all_t.size)
    all_t = np.maximum.accumulate(all_t - idx) + idx + START_MS
    del rank

    # --- write ------------------------------------------------------------------------------
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, "votes.csv"), "w", newline="") as f:
        f.write("timestamp,datetime,comment-id,voter-id,vote\n")
        dts = fmt_datetimes(all_t)
        step = 500_000
        for a in range(0, all_t.size, step):
            b = min(all_t.size, a + step)
            f.write("".join(
                f"{ts},{dt},{c},{p},{v}\n"
                for ts, dt, c, p, v in zip(all_t[a:b].tolist(), dts[a:b], all_c[a:b].tolist(),
                                           all_p[a:b].tolist(), all_v[a:b].tolist())))

    agrees = np.bincount(cmt[vote == 1], minlength=n_c)
    disagrees = np.bincount(cmt[vote == -1], minlength=n_c)
    c_ts = c_time + START_MS
    c_dt = fmt_datetimes(c_ts)
    author = np.minimum(rng.integers(0, np.maximum(1, np.searchsorted(arrive, c_time))), n_p - 1)
    with open(os.path.join(outdir, "comments.csv"), "w", newline="") as f:
        f.write("timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n")
        for j in range(n_c):
            kind = "consensus" if cons[j] else "divisive"
            f.write(f"{c_ts[j]},{c_dt[j]},{j},{author[j]},{agrees[j]},{disagrees[j]},"
                    f"{moderated[j]},\"Synthetic {kind} statement {j}, seed {seed}\"\n")

    with open(os.path.join(outdir, "groups.csv"), "w", newline="") as f:
        f.write("participant,group\n")
        f.write("".join(f"{i},{SECTORS[s]}\n" for i, s in enumerate(sector.tolist())))
    with open(os.path.join(outdir, "latent.csv"), "w", newline="") as f:
        f.write("participant,group\n")
        f.write("".join(f"{i},{g}\n" for i, g in enumerate(latent.tolist())))
    return dict(participants=int(np.unique(voter).size), comments=n_c, cells=int(voter.size),
                rows=int(all_t.size), moderated_out=int((moderated == -1).sum()))


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in SIZES:
        sys.exit(f"usage: {sys.argv[0]} {{{'|'.join(SIZES)}}} OUTDIR")
    t0 = time.perf_counter()
    info = generate(sys.argv[1], sys.argv[2])
    print(f"{sys.argv[1]}: {info['participants']} participants x {info['comments']} comments, "
          f"{info['cells']} distinct cells, {info['rows']} vote rows, "
          f"{info['moderated_out']} moderated out, {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
