#!/usr/bin/python3
"""Adjusted Rand index between two groupings of participants.

    ari.py A B                 A, B: a numpy_reference.py --json output, a Polis
                               participants-votes.csv (its group-id column), or any CSV
                               with columns participant,group (e.g. groups.csv, latent.csv)
    ari.py --polis [DIR ...]   for each Polis export folder (default: every folder in
                               /work/shared/data/polis), run numpy_reference's cold compute
                               and compare its groups with Polis's published group-id;
                               also recompute group-informed consensus from the published
                               groups and compare it with comments.csv's column when present.

Only participants grouped in both are compared (Polis's empty group-id = not clustered,
excluded; a null group in the JSON = not in-conv, excluded).  In --polis mode the
participants Polis grouped but the cold run left out are counted and reported.
"""
import csv
import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import numpy_reference as ref  # noqa: E402

POLIS_DATA = "/work/shared/data/polis"


def adjusted_rand_index(a, b):
    """ARI of two equal-length label sequences (any hashable labels)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.size != b.size:
        raise ValueError("label sequences differ in length")
    n = a.size
    if n < 2:
        return 1.0
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), np.int64)
    np.add.at(table, (ai, bi), 1)

    def comb2(x):
        x = np.asarray(x, np.float64)
        return (x * (x - 1) / 2).sum()

    index = comb2(table)
    sa, sb = comb2(table.sum(axis=1)), comb2(table.sum(axis=0))
    expected = sa * sb / comb2(n)
    max_index = (sa + sb) / 2
    if max_index == expected:       # both trivial partitions
        return 1.0
    return float((index - expected) / (max_index - expected))


def read_grouping(path):
    """participant id -> group label (None = not grouped)."""
    if path.endswith(".json"):
        with open(path) as f:
            res = json.load(f)
        return {int(p["id"]): p["group"] for p in res["participants"]}
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        col = "group-id" if "group-id" in r.fieldnames else (
            "group" if "group" in r.fieldnames else r.fieldnames[1])
        return {int(row["participant"]): (row[col] if row[col] != "" else None) for row in r}


def compare(ga, gb):
    common = [p for p in ga if p in gb and ga[p] is not None and gb[p] is not None]
    return adjusted_rand_index([ga[p] for p in common], [gb[p] for p in common]), len(common)


def polis_mode(dirs):
    rows = []
    for d in dirs:
        name = os.path.basename(os.path.normpath(d))
        published = read_grouping(os.path.join(d, "participants-votes.csv"))
        res = ref.run(d)
        ours = {p["id"]: p["group"] for p in res["participants"]}
        clustered = [p for p in published if published[p] is not None]
        left_out = [p for p in clustered if ours.get(p) is None]
        # ARI over Polis-grouped participants; the ones our cold run did not cluster get
        # their own label so they count against us rather than vanish
        ari_all = adjusted_rand_index(
            [published[p] for p in clustered],
            [ours.get(p) if ours.get(p) is not None else "unclustered" for p in clustered])
        ari_both, n_both = compare(published, ours)
        k_polis = len({published[p] for p in clustered})
        line = (f"{name}: ARI {ari_all:.3f} over {len(clustered)} Polis-grouped participants "
                f"({len(left_out)} not in our in-conv; ARI {ari_both:.3f} over the {n_both} "
                f"grouped by both); k polis {k_polis} / ours {res['info']['k']}; "
                f"group sizes polis {sorted(np.unique([published[p] for p in clustered], return_counts=True)[1].tolist(), reverse=True)}"
                f" / ours {sorted((g['size'] for g in res['groups']), reverse=True)}")
        # group-informed consensus from the published groups (self-check of the reading code)
        comments = ref.read_comments(d)
        pub_gic = {c: v[2] for c, v in comments.items() if v[2] is not None}
        if pub_gic:
            conv = ref.load(d)
            labels = sorted({published[p] for p in clustered}, key=int)
            idx = {g: i for i, g in enumerate(labels)}
            group = np.array([idx[published[p]] if published.get(p) is not None else -1
                              for p in conv.ptpt_ids.tolist()])
            gic = ref.group_informed_consensus(conv.raw, group, len(labels))
            err = [abs(gic[j] - pub_gic[c]) for j, c in enumerate(conv.cmt_ids.tolist())
                   if c in pub_gic]
            ours_gic = {c["id"]: c["group_informed_consensus"] for c in res["comments"]}
            err_ours = [abs(ours_gic[c] - pub_gic[c]) for c in pub_gic if c in ours_gic]
            line += (f"\n    group-informed consensus from published groups: {len(err)} comments, "
                     f"max abs error {max(err):.3g}; from our groups: max abs error "
                     f"{max(err_ours):.3g}")
        print(line)
        rows.append((name, ari_all))
    return rows


def main(argv):
    if len(argv) >= 2 and argv[1] == "--polis":
        dirs = argv[2:] or sorted(os.path.join(POLIS_DATA, d) for d in os.listdir(POLIS_DATA)
                                  if os.path.isdir(os.path.join(POLIS_DATA, d)))
        polis_mode(dirs)
    elif len(argv) == 3:
        ari, n = compare(read_grouping(argv[1]), read_grouping(argv[2]))
        print(f"ARI {ari:.4f} over {n} participants grouped in both")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
