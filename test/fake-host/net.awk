function ip(a,   f) { split(a, f, "."); return ((f[1] * 256 + f[2]) * 256 + f[3]) * 256 + f[4] }
function inpfx(a, c,   n, m) { split(c, n, "/"); m = 2 ^ (32 - n[2]); return int(ip(a) / m) == int(ip(n[1]) / m) }
