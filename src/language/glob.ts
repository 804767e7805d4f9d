// Tiny glob → RegExp helper (supports **, *, ?, {a,b}); no vscode import.
export function globToRegExp(glob: string): RegExp {
  const g = glob.replace(/\\/g, '/');
  let re = '';
  let inGroup = false;
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      inGroup = true;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup = false;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$', 'i');
}

/** True if any glob matches one of the candidate paths (separators normalised to '/'). */
export function matchesAnyGlob(globs: readonly string[], paths: readonly string[]): boolean {
  const norm = paths.map((p) => p.replace(/\\/g, '/'));
  return globs.some((g) => {
    if (typeof g !== 'string' || !g.trim()) return false;
    let rx: RegExp;
    try {
      rx = globToRegExp(g.trim());
    } catch {
      return false;
    }
    return norm.some((p) => rx.test(p));
  });
}
