#!/usr/bin/python3
# The Oracle VM Manager CLI's `refresh Repository id=<id>|name=<name>` (CLI reference A.124) as a stub on the CLI peer:
# it asks the REST lab (test/lab/ovm) through its admin hook to start the repository's refresh job, waits for the job
# to end (a CLI command answers when its job is done: Oracle's MoveVm.sh reads the repository's free space right after
# `refresh repository`), and answers in the CLI's text layout. README.md: what each part follows, or that it is assumed.
# Run as `ovm_cli_stub.py <config json> refresh <args…>` by the wrapper ovmCli.ts installs.
import json
import lab_admin
import sys
import time

CFG = json.load(open(sys.argv[1]))
ARGS = sys.argv[2:]
LINE = ' '.join(ARGS)


def admin(method, path, body=None):
    return lab_admin.admin(CFG['admin'], method, path, body)


def stamp():
    return time.strftime('%Y-%m-%d %H:%M:%S,000 %Z')


def reply(status, job_id=None, error=None):
    print('OVM> ' + LINE)
    print('Command: ' + LINE)
    print('Status: ' + status)
    print('Time: ' + stamp())
    if job_id is not None:
        print('JobId: ' + job_id)
    if error is not None:
        print('Error Msg: ' + error)
    print('OVM> Connection closed.')


def main():
    if len(ARGS) != 3 or ARGS[0] != 'refresh' or ARGS[1].lower() != 'repository' or '=' not in ARGS[2]:
        reply('Failure', error='Invalid command: ' + LINE)
        return 0
    key, value = ARGS[2].split('=', 1)
    if key not in ('id', 'name'):
        reply('Failure', error='Invalid attribute: ' + key)
        return 0
    started = admin('POST', '/cli/refresh-repository', {key: value})
    if 'error' in started:
        reply('Failure', error='Repository with ' + key + ' ' + value + ' not found')
        return 0
    job_id = started['jobId']
    while True:
        job = admin('GET', '/job/' + job_id)
        if job.get('summaryDone'):
            break
        time.sleep(0.05)
    if job.get('jobRunState') == 'SUCCESS':
        reply('Success', job_id)
    else:
        reply('Failure', job_id, 'Job failed on Core: ' + str((job.get('error') or {}).get('message')))
    return 0


sys.exit(main())
