// The following process of the Live Tail bench: `live-tail-viewers.ts <emulator url> <follows> <seconds>`.
// It runs that many follows of one target, as the bot would for that many people, samples its own RSS while
// they run and prints what each follow delivered, its RSS before the follows and the largest seen.
import { CloudWatchFollower } from './cloudwatch-follower.ts';

const [url, count, seconds] = process.argv.slice(2);
const idleRss = process.memoryUsage().rss;
const follower = new CloudWatchFollower(url!);
const started = Date.now();
const follows = Array.from({ length: Number(count) }, () => follower.follow('live', started));
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 250);
await new Promise((resolve) => setTimeout(resolve, Number(seconds) * 1000));
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
await Promise.all(follows.map((f) => f.stop()));
await follower.close();
const delivered = follows.map((f) => f.batches.reduce((n, b) => n + b.events.length, 0));
// When each follow that showed lines showed its first, after its start: each reads the lines before it joined first.
const firstMs = follows.flatMap((f) => (f.batches[0] ? [f.batches[0].at - started] : []));
const live = follows.filter((f) => f.notices.some((n) => n.kind === 'live')).length;
const polling = follows.filter((f) => f.notices.some((n) => n.kind === 'polling')).length;
process.stdout.write(`${JSON.stringify({ idleRss, peakRss, firstMs, delivered, live, polling })}\n`);
