/** Slices a list by `per_page`/`page` and builds GitHub's `Link` header (what Octokit's paginate follows). */
export function paginate<T>(items: readonly T[], url: URL): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(Number(url.searchParams.get('per_page')) || 30, 1), 100);
  const page = Math.max(Number(url.searchParams.get('page')) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const link = (n: number, rel: string) => {
    const target = new URL(url);
    target.searchParams.set('per_page', String(perPage));
    target.searchParams.set('page', String(n));
    return `<${target.href}>; rel="${rel}"`;
  };
  const rels = [
    ...(page > 1 ? [link(page - 1, 'prev'), link(1, 'first')] : []),
    ...(page < last ? [link(page + 1, 'next'), link(last, 'last')] : []),
  ];
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: rels.length > 0 ? { link: rels.join(', ') } : {},
  };
}
