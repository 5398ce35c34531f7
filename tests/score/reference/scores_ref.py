#!/usr/bin/env python3
"""Independent numpy versions of the scores in src/ptlab/score/, for the values pinned in
tests/score/score_test.cpp.

Written from the papers (formulas cited per function), not from the C++ code, and with different
numerics where the C++ takes a shortcut (a full SVD instead of a Gram matrix for LogME, the
generalised eigenproblem instead of a Cholesky solve for SFDA, an explicit pseudo-inverse and
matrix traces for the H-scores), so that agreement tests the algebra as well as the code.

Regenerate the pinned values with (numpy needed; scikit-learn optional, only for a cross-check
of the Ledoit-Wolf intensity):

    python3 tests/score/reference/scores_ref.py

and copy the printed block into the `kRef` constants of tests/score/score_test.cpp. The data are
made by an integer LCG that the C++ test reimplements bit for bit (`lcg_matrix` there), so both
sides see identical doubles.
"""
import math

import numpy as np


# ---------------------------------------------------------------------------------------------
# Data: an exact, portable generator (integer arithmetic, one correctly rounded division).

class Lcg:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state * 1103515245 + 12345) % (1 << 31)
        return self.state


def lcg_matrix(n, d, classes, seed, shift):
    """n x d features, labels i % classes; feature j of a sample of class c gets +shift when
    j % classes == c, so the classes are separated but overlap."""
    rng = Lcg(seed)
    f = np.empty((n, d))
    y = np.array([i % classes for i in range(n)])
    for i in range(n):
        for j in range(d):
            f[i, j] = ((rng.next() % 2001) - 1000) / 250.0
            if j % classes == y[i]:
                f[i, j] += shift
    return f, y


# ---------------------------------------------------------------------------------------------
# LogME: You et al., ICML 2021 (arXiv 2102.11005), evidence of Bayesian linear regression with
# prior w ~ N(0, alpha^-1 I_D) and noise N(0, beta^-1), maximised by the fixed-point updates of
# You et al. 2021b (arXiv 2110.10545, Alg. 2): gamma = sum sigma/(sigma + t), t = alpha/beta,
# alpha = gamma/|m|^2, beta = (N - gamma)/|y - F m|^2. log|A| runs over all D eigenvalues of
# F^T F (zeros included; thuml/LogME#23).

def logme(f, y, count_zero_eigenvalues=True):
    """count_zero_eigenvalues=False drops the (D - k) log(alpha) of the zero eigenvalues from
    log|A|, as thuml/LogME's fixed-point code does (thuml/LogME#23): for comparison only."""
    n, d = f.shape
    u, s, _ = np.linalg.svd(f, full_matrices=False)
    keep = s > s.max() * max(n, d) * np.finfo(float).eps
    u, s = u[:, keep], s[keep]
    sigma = s ** 2
    k = sigma.size
    evidences = []
    for c in np.unique(y):
        t_vec = (y == c).astype(float)
        x = u.T @ t_vec
        x2 = x ** 2
        res_x2 = t_vec @ t_vec - x2.sum()
        alpha, beta = 1.0, 1.0
        for _ in range(11):
            t = alpha / beta
            gamma = (sigma / (sigma + t)).sum()
            m2 = (sigma * x2 / (t + sigma) ** 2).sum()
            res2 = (x2 / (1 + sigma / t) ** 2).sum() + res_x2
            alpha = gamma / (m2 + 1e-5)
            beta = (n - gamma) / (res2 + 1e-5)
            if abs(alpha / beta - t) / t <= 1e-3:
                break
        # Direct check of the spectral algebra: m = (t I + F^T F)^-1 F^T y at the last t.
        m = np.linalg.solve(t * np.eye(d) + f.T @ f, f.T @ t_vec)
        assert abs(m @ m - m2) <= 1e-8 * max(1.0, m2)
        assert abs(((t_vec - f @ m) ** 2).sum() - res2) <= 1e-8 * max(1.0, res2)
        logdet = np.linalg.slogdet(alpha * np.eye(d) + beta * f.T @ f)[1]
        assert abs(logdet - (np.log(alpha + beta * sigma).sum() + (d - k) * np.log(alpha))) < 1e-8 * abs(logdet) + 1e-8
        if not count_zero_eigenvalues:
            logdet -= (d - k) * np.log(alpha)
        evidence = (d / 2 * np.log(alpha) + n / 2 * np.log(beta) - 0.5 * logdet - beta / 2 * res2
                    - alpha / 2 * m2 - n / 2 * np.log(2 * np.pi))
        evidences.append(evidence / n)
    return float(np.mean(evidences))


# ---------------------------------------------------------------------------------------------
# Ledoit & Wolf 2004 (J. Multivariate Anal. 88, "A well-conditioned estimator for
# large-dimensional covariance matrices", Lemma 3.2-3.4 / Thm 3.1), with the scaled Frobenius
# norm |A|^2 = tr(A A^T)/p: m = tr(S)/p, d^2 = |S - m I|^2, bbar^2 = n^-2 sum_k |x_k x_k^T - S|^2,
# b^2 = min(bbar^2, d^2), shrinkage = b^2 / d^2. S is the 1/n covariance of centred data.

def ledoit_wolf_shrinkage(f):
    x = f - f.mean(axis=0)
    n, p = x.shape
    s = x.T @ x / n
    m = np.trace(s) / p
    d2 = np.linalg.norm(s - m * np.eye(p), 'fro') ** 2 / p
    bbar2 = sum(np.linalg.norm(np.outer(xk, xk) - s, 'fro') ** 2 / p for xk in x) / n ** 2
    b2 = min(bbar2, d2)
    return 0.0 if b2 == 0 else b2 / d2


# ---------------------------------------------------------------------------------------------
# H-score: Bao et al., ICIP 2019, H = tr(cov(f)^+ cov(E[f|y])). Shrinkage H-score: Ibrahim et al.,
# ICLR 2022 (arXiv 2110.06893), H_alpha = tr(cov_alpha(f)^-1 (1 - alpha) cov(E[f|y])) with
# cov_alpha = (1 - alpha) S + alpha tr(S)/D I the Ledoit-Wolf estimate. Both covariances 1/N.

def class_mean_matrix(f, y):
    g = np.empty_like(f)
    for c in np.unique(y):
        g[y == c] = f[y == c].mean(axis=0)
    return g


def h_score(f, y):
    cov_f = np.cov(f, rowvar=False, bias=True)
    cov_g = np.cov(class_mean_matrix(f, y), rowvar=False, bias=True)
    return float(np.trace(np.linalg.pinv(cov_f) @ cov_g))


def shrinkage_h_score(f, y, alpha=None):
    if alpha is None:
        alpha = ledoit_wolf_shrinkage(f)
    d = f.shape[1]
    s = np.cov(f, rowvar=False, bias=True)
    cov_alpha = (1 - alpha) * s + alpha * np.trace(s) / d * np.eye(d)
    cov_g = np.cov(class_mean_matrix(f, y), rowvar=False, bias=True)
    return float(np.trace(np.linalg.pinv(cov_alpha) @ ((1 - alpha) * cov_g)))


# ---------------------------------------------------------------------------------------------
# SFDA: Shao et al., ECCV 2022 (arXiv 2207.03036), §3: a regularised Fisher discriminant with
# within-class scatter Sw = sum_c prior_c cov_c (1/n_c), shrunk as (1 - lam) Sw + lam tr(Sw)/D I with
# lam = exp(-5 lambda_max(Sw)) (lambda_max by 3 rounds of the power iteration started at Sw 1, as
# the authors do), projections from the generalised eigenproblem Sb v = mu Sw v, an LDA posterior
# softmax(x W W^T m_c - m_c W W^T m_c / 2 + log prior_c); then the self-challenging step (ConfMix):
# each x of class c moves to p x + (1 - p) mean of the other class means, p the softened
# (softmax again) posterior of its own class; the score is the mean posterior of the true class
# after a second fit with the same lam.

def power_lambda_max(a, rounds=3):
    x = a.sum(axis=1)
    for _ in range(rounds):
        t = a @ x
        yv = t / np.linalg.norm(t)
        t = a @ yv
        x = t / np.linalg.norm(t)
    return float(x @ a @ yv)


def softmax_rows(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def generalized_eigh(a, b):
    # b = L L^T; eigenvectors of L^-1 a L^-T mapped back by L^-T, so that V^T b V = I.
    lo = np.linalg.cholesky(b)
    li = np.linalg.inv(lo)
    w, q = np.linalg.eigh(li @ a @ li.T)
    return w, li.T @ q


def lda_posterior(f, y, lam):
    classes = np.unique(y)
    n, d = f.shape
    priors = np.array([(y == c).mean() for c in classes])
    means = np.array([f[y == c].mean(axis=0) for c in classes])
    sw = sum(p * np.cov(f[y == c], rowvar=False, bias=True).reshape(d, d) for p, c in zip(priors, classes))
    if lam is None:
        lam = max(math.exp(-5 * power_lambda_max(sw)), 1e-10)
    shrunk_sw = (1 - lam) * sw + lam * np.trace(sw) / d * np.eye(d)
    st = np.cov(f, rowvar=False, bias=True)
    st = (1 - lam) * st + lam * np.trace(st) / d * np.eye(d)
    _, v = generalized_eigh(st - shrunk_sw, shrunk_sw)
    coef = means @ v @ v.T
    intercept = -0.5 * np.diag(means @ coef.T) + np.log(priors)
    return softmax_rows(f @ coef.T + intercept), lam


def pca_scores(f, k):
    x = f - f.mean(axis=0)
    # Eigenvectors of the covariance (not an SVD), largest first; sign: largest |entry| positive.
    w, v = np.linalg.eigh(x.T @ x)
    v = v[:, np.argsort(w)[::-1][:k]]
    for j in range(k):
        i = np.argmax(np.abs(v[:, j]))
        if v[i, j] < 0:
            v[:, j] = -v[:, j]
    return x @ v


def sfda(f, y, pca_dim=0):
    f = f.copy()
    if pca_dim > 0:
        f = pca_scores(f, min(pca_dim, f.shape[1], f.shape[0] - 1))
    classes = np.unique(y)
    prob, lam = lda_posterior(f, y, None)
    prob = softmax_rows(prob)
    means = np.array([f[y == c].mean(axis=0) for c in classes])
    others = (means.sum(axis=0) - means) / (len(classes) - 1)
    mixed = f.copy()
    for ci, c in enumerate(classes):
        p = prob[y == c, ci][:, None]
        mixed[y == c] = p * f[y == c] + (1 - p) * others[ci]
    prob2, _ = lda_posterior(mixed, y, lam)
    index = np.searchsorted(classes, y)
    return float(prob2[np.arange(len(y)), index].mean())


# ---------------------------------------------------------------------------------------------

def main():
    fa, ya = lcg_matrix(40, 6, 3, seed=7, shift=1.5)    # N > D
    fb, yb = lcg_matrix(12, 30, 3, seed=11, shift=2.0)  # D > N

    try:
        from sklearn.covariance import ledoit_wolf_shrinkage as sk_lw
        for f in (fa, fb):
            ours, theirs = ledoit_wolf_shrinkage(f), sk_lw(f)
            assert abs(ours - theirs) <= 1e-12 * max(1.0, theirs), (ours, theirs)
        lw_check = "checked against sklearn.covariance.ledoit_wolf_shrinkage"
    except ImportError:
        lw_check = "sklearn not installed: not cross-checked"

    values = {
        "kLogmeA": logme(fa, ya),
        "kLogmeB": logme(fb, yb),
        "kLedoitWolfA": ledoit_wolf_shrinkage(fa),
        "kLedoitWolfB": ledoit_wolf_shrinkage(fb),
        "kHScoreA": h_score(fa, ya),
        "kShrinkageHScoreA": shrinkage_h_score(fa, ya),
        "kShrinkageHScoreB": shrinkage_h_score(fb, yb),
        "kSfdaA": sfda(fa, ya),
        "kSfdaB": sfda(fb, yb),
        "kSfdaBPca5": sfda(fb, yb, pca_dim=5),
        # Features of scale ~0.2: lambda_max(Sw) is small, so the shrinkage exp(-5 lambda_max) is
        # far above its 1e-10 floor (about 0.69) and the power iteration matters.
        "kSfdaASmall": sfda(0.1 * fa, ya),
    }
    print(f"// Ledoit-Wolf: {lw_check}")
    print(f"// For comparison, not pinned: LogME of B without the zero eigenvalues (thuml/LogME#23): "
          f"{logme(fb, yb, count_zero_eigenvalues=False)!r}; tllib's regularized_h_score convention on A "
          f"(class-mean covariance 1/(N-1)): {values['kShrinkageHScoreA'] * 40 / 39!r}")
    for name, value in values.items():
        print(f"constexpr double {name} = {value!r};")


if __name__ == "__main__":
    main()
