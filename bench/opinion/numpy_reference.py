#!/usr/bin/python3
"""Plain numpy reference of the opinion-map algorithm (shared/specs/opinion-map.md),
one cold compute on the final vote matrix (no replay, no warm start, no k-smoothing).

    numpy_reference.py FOLDER [--json] [--seed N]

FOLDER is a Polis export folder: comments.csv plus votes.csv (preferred) or, when
there is no votes.csv, participants-votes.csv.  Without --json it prints one timing
line; with --json it prints participants (group, x, y), groups (size, representative
comments), comments (group-informed consensus, priority), consensus, timing and peak
RSS.  Importable: load(folder) -> Conv, compute(conv) -> dict.

Internal sign, as in the spec: agree = -1, disagree = +1, pass = 0, missing = NaN.
"""
import csv
import json
import os
import resource
import sys
import time

import numpy as np

# ---- constants of the spec ------------------------------------------------------------------
N_COMPS = 2
PCA_ITERS = 100
BASE_K = 100
BASE_ITERS = 100
MAX_K = 5
GROUP_ITERS = 20            # step 6: effective limit is kmeans' default of 20
KMEANS_EPS = 0.01           # step 5: every sorted centre moves < 0.01
MIN_VOTES_IN_CONV = 7
GREEDY_N = 15
LARGE_CONV = 10_000         # > this many participants: mini-batch PCA
MB_ROUNDS = 100
MB_ITERS = 10
MB_BLEND = 0.01
Z90 = 1.2816                # one-sided 90%
N_REP = 5
N_CONSENSUS = 5
META_PRIORITY = 7.0 ** 2


class Conv:
    """The parsed conversation: the raw matrix plus per-comment moderation flags."""

    def __init__(self, ptpt_ids, cmt_ids, raw, mod_out, meta, load_s):
        self.ptpt_ids = ptpt_ids      # (n,) int64, matrix row order
        self.cmt_ids = cmt_ids        # (C,) int64, matrix column order
        self.raw = raw                # (n, C) float64, internal sign, NaN = not voted
        self.mod_out = mod_out        # (C,) bool: moderated = -1 or meta
        self.meta = meta              # (C,) bool
        self.load_s = load_s


# ---- loading ---------------------------------------------------------------------------------
def read_comments(folder):
    """comment-id -> (moderated, is_meta, published group-informed-consensus or None)."""
    out = {}
    with open(os.path.join(folder, "comments.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            meta = row.get("is-meta", "false").strip().lower() in ("true", "t", "1")
            gic = row.get("group-informed-consensus")
            out[int(row["comment-id"])] = (int(row["moderated"] or 0), meta,
                                           float(gic) if gic not in (None, "") else None)
    return out


def read_votes(path):
    """votes.csv -> int64 arrays (timestamp, comment, voter, vote) in file order."""
    with open(path, newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    cols = [header.index(c) for c in ("timestamp", "comment-id", "voter-id", "vote")]
    try:   # fast path: numpy's C parser; datetime column is skipped (no commas in it)
        a = np.loadtxt(path, delimiter=",", skiprows=1, usecols=cols, dtype=np.int64, ndmin=2)
    except ValueError:
        with open(path, newline="", encoding="utf-8") as f:
            r = csv.reader(f)
            next(r)
            a = np.array([[int(row[i]) for i in cols] for row in r], dtype=np.int64).reshape(-1, 4)
    return a[:, 0], a[:, 1], a[:, 2], a[:, 3]


def matrix_from_votes(ts, cmt, voter, vote):
    """Raw matrix: rows/columns in order of first vote, the latest vote of a cell wins."""
    order = np.argsort(ts, kind="stable")
    cmt, voter, vote = cmt[order], voter[order], vote[order]
    p_uniq, p_first, p_inv = np.unique(voter, return_index=True, return_inverse=True)
    c_uniq, c_first, c_inv = np.unique(cmt, return_index=True, return_inverse=True)
    p_rank = np.empty(p_uniq.size, np.int64)
    p_rank[np.argsort(p_first, kind="stable")] = np.arange(p_uniq.size)
    c_rank = np.empty(c_uniq.size, np.int64)
    c_rank[np.argsort(c_first, kind="stable")] = np.arange(c_uniq.size)
    rows, cols = p_rank[p_inv], c_rank[c_inv]
    n, C = p_uniq.size, c_uniq.size
    key = rows * C + cols
    # last occurrence of each cell = first occurrence in the reversed sequence
    _, last_rev = np.unique(key[::-1], return_index=True)
    last = key.size - 1 - last_rev
    raw = np.full((n, C), np.nan)
    raw[rows[last], cols[last]] = -vote[last]          # export sign -> internal sign
    ptpt_ids = p_uniq[np.argsort(p_first, kind="stable")]
    cmt_ids = c_uniq[np.argsort(c_first, kind="stable")]
    return ptpt_ids, cmt_ids, raw


def matrix_from_participants_votes(path):
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.reader(f)
        header = next(r)
        ccols = [i for i, h in enumerate(header) if h.strip().lstrip("-").isdigit()]
        pcol = header.index("participant")
        ids, rows = [], []
        for row in r:
            ids.append(int(row[pcol]))
            rows.append([float(row[i]) if row[i] != "" else np.nan for i in ccols])
    raw = -np.array(rows, dtype=np.float64).reshape(len(ids), len(ccols))
    return np.array(ids, np.int64), np.array([int(header[i]) for i in ccols], np.int64), raw


def load(folder):
    t0 = time.perf_counter()
    comments = read_comments(folder)
    vpath = os.path.join(folder, "votes.csv")
    if os.path.exists(vpath):
        votes = read_votes(vpath)
        t1 = time.perf_counter()
        ptpt_ids, cmt_ids, raw = matrix_from_votes(*votes)
    else:
        ptpt_ids, cmt_ids, raw = matrix_from_participants_votes(
            os.path.join(folder, "participants-votes.csv"))
        t1 = time.perf_counter()
    info = [comments.get(int(c), (1, False, None)) for c in cmt_ids]
    meta = np.array([m for _, m, _ in info], bool)
    mod_out = np.array([mod == -1 for mod, _, _ in info], bool) | meta
    conv = Conv(ptpt_ids, cmt_ids, raw, mod_out, meta, time.perf_counter() - t0)
    conv.parse_s = t1 - t0                      # reading the CSV files
    conv.build_s = conv.load_s - conv.parse_s   # vote list -> raw matrix (latest wins)
    return conv


# ---- step 3: PCA -----------------------------------------------------------------------------
def power_pca(X, starts, iters):
    """Power iteration on X^T X (X already centred), components by Gram-Schmidt deflation.
    Stops after `iters` iterations or when the eigenvalue estimate stops changing exactly."""
    n, C = X.shape
    comps = []
    for k in range(N_COMPS):
        v = np.array(starts[k], dtype=np.float64)
        for c in comps:
            v -= (v @ c) * c
        nv = np.linalg.norm(v)
        v = v / nv if nv > 0 else v
        lam_prev = None
        for _ in range(iters):
            w = X.T @ (X @ v)                 # = sum over rows r of (v.r) r
            for c in comps:                   # deflate: stay orthogonal to earlier comps
                w -= (w @ c) * c
            lam = np.linalg.norm(w)
            if lam == 0.0:
                break
            v = w / lam
            if lam == lam_prev:
                break
            lam_prev = lam
        comps.append(v)
    return np.array(comps)


def pca(imputed, rng):
    n, C = imputed.shape
    if C == 1:
        return imputed.mean(axis=0), np.array([[1.0], [0.0]])
    if n == 1:
        row = imputed[0]
        nr = np.linalg.norm(row)
        return row.copy(), np.array([row / nr if nr > 0 else row, np.zeros(C)])
    if n <= LARGE_CONV:
        center = imputed.mean(axis=0)
        starts = rng.standard_normal((N_COMPS, C))
        return center, power_pca(imputed - center, starts, PCA_ITERS)
    # mini-batch PCA for large conversations
    ns = 100 + (n - 1_500) * (1_500 - 100) / (150_000 - 1_500)
    ns = int(round(min(1_500, max(100, ns))))
    sample = imputed[rng.choice(n, ns, replace=False)]
    center = sample.mean(axis=0)               # first batch: a full cold PCA, adopted as is
    comps = power_pca(sample - center, rng.standard_normal((N_COMPS, C)), PCA_ITERS)
    for _ in range(MB_ROUNDS):
        sample = imputed[rng.choice(n, ns, replace=False)]
        c_new = sample.mean(axis=0)
        p_new = power_pca(sample - c_new, comps, MB_ITERS)
        center = (1 - MB_BLEND) * center + MB_BLEND * c_new
        comps = (1 - MB_BLEND) * comps + MB_BLEND * p_new
    return center, comps


# ---- steps 5-7: k-means and silhouette -------------------------------------------------------
def first_distinct_rows(points, k):
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]].copy()


def sorted_rows(a):
    return a[np.lexsort(a.T[::-1])]


def kmeans(points, weights, k, max_iters):
    """Cold-start (weighted) k-means. Returns (labels 0..m-1, centres (m, 2), iterations)."""
    centres = first_distinct_rows(points, k)
    labels = None
    px, py = points[:, 0:1], points[:, 1:2]
    for it in range(1, max_iters + 1):
        dx, dy = px - centres[None, :, 0], py - centres[None, :, 1]
        labels = np.argmin(dx * dx + dy * dy, axis=1)     # first centre wins a tie
        w = np.bincount(labels, weights=weights, minlength=len(centres))
        keep = w > 0                                      # drop empty clusters
        remap = np.cumsum(keep) - 1
        labels = remap[labels]
        w = w[keep]
        new = np.stack([np.bincount(labels, weights=weights * points[:, j]) for j in range(2)],
                       axis=1) / w[:, None]
        done = (new.shape == centres.shape and
                np.all(np.linalg.norm(sorted_rows(new) - sorted_rows(centres), axis=1) < KMEANS_EPS))
        centres = new
        if done:
            break
    return labels, centres, it


def silhouette(points, labels):
    """Mean silhouette, unweighted Euclidean; a point alone in its cluster scores 0."""
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    m = labels.max() + 1
    onehot = np.eye(m)[labels]                           # (n, m)
    sizes = onehot.sum(axis=0)
    sums = d @ onehot                                    # distance sum to each cluster
    own = sizes[labels]
    a = sums[np.arange(len(points)), labels] / np.maximum(own - 1, 1)
    mean_other = sums / np.where(sizes > 0, sizes, 1)
    mean_other[np.arange(len(points)), labels] = np.inf
    b = mean_other.min(axis=1)
    denom = np.maximum(a, b)
    s = np.where(denom > 0, (b - a) / np.where(denom > 0, denom, 1), 0.0)
    s[own == 1] = 0.0
    return float(s.mean())


# ---- steps 9-10: comment stats and representative comments ------------------------------------
def prop_test(succ, n):
    return 2.0 * np.sqrt(n + 1) * ((succ + 1) / (n + 1) - 0.5)


def two_prop_test(s1, s2, n1, n2):
    s1, s2, n1, n2 = s1 + 1.0, s2 + 1.0, n1 + 1.0, n2 + 1.0
    p1, p2 = s1 / n1, s2 / n2
    p = (s1 + s2) / (n1 + n2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (p1 - p2) / np.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    return np.where(p == 1.0, 0.0, z)


def comment_stats(na, nd, ns, na_rest, nd_rest, ns_rest):
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    return dict(
        na=na, nd=nd, ns=ns, pa=pa, pd=pd,
        pat=prop_test(na, ns), pdt=prop_test(nd, ns),
        ra=pa / ((1 + na_rest) / (2 + ns_rest)), rd=pd / ((1 + nd_rest) / (2 + ns_rest)),
        rat=two_prop_test(na, na_rest, ns, ns_rest), rdt=two_prop_test(nd, nd_rest, ns, ns_rest))


def select_rep_comments(st, valid):
    """Indices (and repful) of a group's representative comments, agrees first."""
    agree_metric = st["ra"] * st["rat"] * st["pa"] * st["pat"]
    disagree_metric = st["rd"] * st["rdt"] * st["pd"] * st["pdt"]
    is_agree = st["rat"] > st["rdt"]                                  # finalize
    metric = np.where(is_agree, agree_metric, disagree_metric)
    sufficient = valid & (((st["rat"] > Z90) & (st["pat"] > Z90)) |
                          ((st["rdt"] > Z90) & (st["pdt"] > Z90)))
    # best-agree: best agree-side score among comments the group agrees with more than
    # it disagrees, whose agree tests are both positive (see README: our reading)
    ba_ok = valid & (st["na"] > 0) & (st["na"] >= st["nd"]) & (st["rat"] > 0) & (st["pat"] > 0)
    best_agree = int(np.argmax(np.where(ba_ok, agree_metric, -np.inf))) if ba_ok.any() else None
    suff = np.flatnonzero(sufficient)
    if suff.size:
        sel = suff[np.argsort(-metric[suff], kind="stable")].tolist()
        if best_agree is not None:
            sel = [best_agree] + [i for i in sel if i != best_agree]
        sel = sel[:N_REP]
    elif best_agree is not None:
        sel = [best_agree]
    else:
        best = np.where(valid, np.maximum(st["rat"], st["rdt"]), -np.inf)
        sel = [int(np.argmax(best))] if valid.any() else []
    repful = ["agree" if (i == best_agree or is_agree[i]) else "disagree" for i in sel]
    order = sorted(range(len(sel)), key=lambda t: repful[t] != "agree")   # stable
    return [sel[t] for t in order], [repful[t] for t in order]


# ---- the whole compute -----------------------------------------------------------------------
def compute(conv, seed=0):
    rng = np.random.default_rng(seed)
    steps = {}
    t = time.perf_counter()

    def lap(name):
        nonlocal t
        now = time.perf_counter()
        steps[name] = round(now - t, 4)
        t = now

    raw = conv.raw
    n, C = raw.shape
    raw_voted = ~np.isnan(raw)

    # step 1: in-conv, on the raw matrix, greedy-n 15
    n_votes_raw = raw_voted.sum(axis=1)
    in_conv = n_votes_raw >= min(MIN_VOTES_IN_CONV, C)
    if in_conv.sum() < GREEDY_N:
        by_votes = np.argsort(-n_votes_raw, kind="stable")
        in_conv[by_votes[:GREEDY_N]] = True

    # rating-mat: moderated-out / meta columns set to 0 for every row (missing ones too)
    rating = raw.copy()
    rating[:, conv.mod_out] = 0.0
    voted = ~np.isnan(rating)
    lap("in_conv_rating_s")

    # step 2: mean imputation (used only for PCA)
    col_mean = np.nanmean(rating, axis=0) if n else np.zeros(C)
    col_mean = np.nan_to_num(col_mean)
    imputed = np.where(voted, rating, col_mean[None, :])
    lap("impute_s")

    # step 3: PCA on all participants
    center, comps = pca(imputed, rng)
    del imputed
    lap("pca_s")

    # step 4: sparsity-aware projection
    dev = np.where(voted, rating - center[None, :], 0.0)
    proj = dev @ comps.T
    del dev
    n_votes = voted.sum(axis=1)
    proj *= np.sqrt(C / np.maximum(n_votes, 1))[:, None]
    cmt_proj = ((-1.0 - center)[:, None] * comps.T) * np.sqrt(C)
    extremity = np.linalg.norm(cmt_proj, axis=1)
    lap("project_s")

    # step 5: base clusters on in-conv participants
    member_rows = np.flatnonzero(in_conv)
    pts = proj[member_rows]
    base_labels, base_centres, base_iters = kmeans(pts, np.ones(len(pts)), BASE_K, BASE_ITERS)
    base_sizes = np.bincount(base_labels, minlength=len(base_centres)).astype(np.float64)
    lap("base_kmeans_s")

    # steps 6-7: group clusters for each k, silhouette choice (no smoothing in a cold run)
    n_base = len(base_centres)
    best = None
    sil = {}
    for k in range(2, min(MAX_K, 2 + n_base // 12) + 1):
        labels, centres, _ = kmeans(base_centres, base_sizes, k, GROUP_ITERS)
        if labels.max() + 1 < 2:
            continue
        s = silhouette(base_centres, labels)
        sil[k] = s
        if best is None or s > best[0]:
            best = (s, k, labels)
    group_of_base = best[2] if best is not None else np.zeros(n_base, np.int64)
    n_groups = int(group_of_base.max()) + 1 if n_base else 0
    group = np.full(n, -1, np.int64)
    group[member_rows] = group_of_base[base_labels]
    lap("group_kmeans_s")

    # step 9: per-group comment stats on rating-mat (moderated-out comments count as passes)
    agree_r, disagree_r = rating == -1, rating == 1
    na_g = np.array([agree_r[group == g].sum(axis=0) for g in range(n_groups)], np.float64)
    nd_g = np.array([disagree_r[group == g].sum(axis=0) for g in range(n_groups)], np.float64)
    ns_g = np.array([voted[group == g].sum(axis=0) for g in range(n_groups)], np.float64)
    # step 10: representative comments
    valid = ~conv.mod_out
    groups_out = []
    for g in range(n_groups):
        st = comment_stats(na_g[g], nd_g[g], ns_g[g], na_g.sum(0) - na_g[g],
                           nd_g.sum(0) - nd_g[g], ns_g.sum(0) - ns_g[g])
        sel, repful = select_rep_comments(st, valid)
        groups_out.append({"id": g, "size": int((group == g).sum()),
                           "representative": [int(conv.cmt_ids[i]) for i in sel],
                           "repful": repful})
    lap("repness_s")

    # step 11: consensus over the whole rating-mat (all participants, no groups)
    na, nd, ns = agree_r.sum(0).astype(float), disagree_r.sum(0).astype(float), voted.sum(0).astype(float)
    pa, pd = (na + 1) / (ns + 2), (nd + 1) / (ns + 2)
    pat, pdt = prop_test(na, ns), prop_test(nd, ns)
    consensus = {}
    for side, p, pt in (("agree", pa, pat), ("disagree", pd, pdt)):
        cand = np.flatnonzero((p > 0.5) & (pt > Z90))
        cand = cand[np.argsort(-(p * pt)[cand], kind="stable")][:N_CONSENSUS]
        consensus[side] = [int(conv.cmt_ids[i]) for i in cand]
    lap("consensus_s")

    # step 12: group-informed consensus on the raw matrix
    gic = group_informed_consensus(raw, group, n_groups)
    # step 13: comment priority (raw matrix counts, all participants)
    A = (raw == -1).sum(0).astype(float)
    P = (raw == 0).sum(0).astype(float)
    S = raw_voted.sum(0).astype(float)
    p_pass, a_agree = (P + 1) / (S + 2), (A + 1) / (S + 2)
    importance = (1 - p_pass) * (extremity + 1) * a_agree
    priority = (importance * (1 + 8 * 2.0 ** (-S / 5))) ** 2
    priority[conv.meta] = META_PRIORITY
    lap("gic_priority_s")

    return {
        "participants": [{"id": int(i), "group": (int(g) if g >= 0 else None),
                          "x": float(x), "y": float(y)}
                         for i, g, (x, y) in zip(conv.ptpt_ids, group, proj)],
        "groups": groups_out,
        "comments": [{"id": int(c), "group_informed_consensus": float(v), "priority": float(p),
                      "extremity": float(e)}
                     for c, v, p, e in zip(conv.cmt_ids, gic, priority, extremity)],
        "consensus": consensus,
        "info": {"n_participants": n, "n_comments": C, "n_in_conv": int(in_conv.sum()),
                 "n_base_clusters": n_base, "base_kmeans_iters": base_iters, "k": n_groups,
                 "silhouette": {str(k): v for k, v in sil.items()}},
        "timing": {"steps": steps},
    }


def group_informed_consensus(raw, group, n_groups):
    """Step 12: prod over groups of (A_g + 1) / (S_g + 2), raw matrix, group >= 0 rows."""
    out = np.ones(raw.shape[1])
    for g in range(n_groups):
        rows = raw[group == g]
        out *= ((rows == -1).sum(0) + 1.0) / ((~np.isnan(rows)).sum(0) + 2.0)
    return out


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(folder, seed=0):
    conv = load(folder)
    t0 = time.perf_counter()
    res = compute(conv, seed)
    res["timing"]["load_s"] = round(conv.load_s, 4)
    res["timing"]["load_parse_s"] = round(conv.parse_s, 4)
    res["timing"]["load_build_matrix_s"] = round(conv.build_s, 4)
    res["timing"]["compute_s"] = round(time.perf_counter() - t0, 4)
    res["peak_rss_mb"] = round(peak_rss_mb(), 1)
    return res


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    seed = 0
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
        args.remove(argv[argv.index("--seed") + 1])
    if len(args) != 1:
        sys.exit(f"usage: {argv[0]} FOLDER [--json] [--seed N]")
    res = run(args[0], seed)
    if "--json" in argv:
        json.dump(res, sys.stdout)
        sys.stdout.write("\n")
    else:
        i, tm = res["info"], res["timing"]
        print(f"{args[0]}: {i['n_participants']} ptpts x {i['n_comments']} cmts, "
              f"in-conv {i['n_in_conv']}, k={i['k']}, load {tm['load_s']:.3f} s, "
              f"compute {tm['compute_s']:.3f} s, peak RSS {res['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main(sys.argv)
