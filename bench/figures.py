"""What bench/serve.sh's measure() writes to a RAW file, read back, and the figures the reports of bench/ab.sh,
bench/rates.sh and bench/responses.sh take from it (they run with PYTHONPATH=bench)."""
import re
import statistics


def rows(raw):
    """One dict per line: its key=value pairs, and its first word as 'phase'."""
    return [dict(re.findall(r'(\w+)=(\S+)', line), phase=line.split()[0]) for line in open(raw) if line.strip()]


def cpu_us(row):
    """The target's CPU time per request over the run, in µs."""
    return int(row['cpu_ticks']) * 1e6 / int(row['hz']) / max(1, int(row['requests']))


def rate(row):
    """Requests a second over the run."""
    return int(row['requests']) / max(1, int(row['duration_us'])) * 1e6


def med(values):
    return statistics.median(values) if values else float('nan')


def span(values, fmt='{:.2f}'):
    """'min–max' of the rounds, or '—' without any."""
    return (fmt.format(min(values)) + '–' + fmt.format(max(values))) if values else '—'


def cpu_name():
    return open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].split('\n')[0].strip()
