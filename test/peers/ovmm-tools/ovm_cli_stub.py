#!/usr/bin/python3
# Oracle VM Manager CLI commands as a stub on the CLI peer: `refresh Repository id=<id>|name=<name>` (CLI reference
# A.124), `exportVirtualAppliance Repository id=|name= name=<appliance> vms=<ids or names>` (A.106), `list
# VirtualAppliance`, `show VirtualAppliance id=|name=` and `delete VirtualAppliance id=|name=` (A.59). Each asks the
# REST lab (test/lab/ovm) through its admin hook; a command with a job waits for the job to end (a CLI command answers when its job is done: Oracle's
# MoveVm.sh reads the repository's free space right after `refresh repository`; the public OVA backup script runs
# exportVirtualAppliance in the background and polls `list job` meanwhile), and answers in the CLI's text layout.
# README.md: what each part follows, or that it is assumed.
# Run as `ovm_cli_stub.py <config json> <command> <args…>` by the wrappers ovmCli.ts installs.
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


def reply(status, job_id=None, error=None, data=None):
    print('OVM> ' + LINE)
    print('Command: ' + LINE)
    print('Status: ' + status)
    print('Time: ' + stamp())
    if job_id is not None:
        print('JobId: ' + job_id)
    if data is not None:
        print('Data: ')
        for line in data:
            print('  ' + line)
    if error is not None:
        print('Error Msg: ' + error)
    print('OVM> Connection closed.')


def follow(job_id):
    while True:
        job = admin('GET', '/job/' + job_id)
        if job.get('summaryDone'):
            return job
        time.sleep(0.05)


def job_reply(job_id):
    job = follow(job_id)
    if job.get('jobRunState') == 'SUCCESS':
        reply('Success', job_id)
    else:
        reply('Failure', job_id, 'Job failed on Core: ' + str((job.get('error') or {}).get('message')))


def options(args):
    out = {}
    for a in args:
        if '=' not in a:
            return None
        k, v = a.split('=', 1)
        out.setdefault(k, []).append(v)
    return out


def export_appliance():
    # exportVirtualAppliance Repository id=|name=<repository> name=<appliance> vms=<a,b>
    if len(ARGS) != 5 or ARGS[1].lower() != 'repository':
        reply('Failure', error='Invalid command: ' + LINE)
        return 0
    opts = options(ARGS[2:])
    if opts is None or 'vms' not in opts or len(opts.get('name', [])) + len(opts.get('id', [])) != 2:
        reply('Failure', error='Invalid attributes: ' + LINE)
        return 0
    names = opts.get('name', [])
    body = {'vms': opts['vms'][0].split(','), 'name': names[-1]}
    if 'id' in opts:
        body['id'] = opts['id'][0]
    else:
        body['repository'] = names[0]
    started = admin('POST', '/cli/export-virtual-appliance', body)
    if 'error' in started:
        reply('Failure', error='Repository or Vm not found: ' + LINE)
        return 0
    job_reply(started['jobId'])
    return 0


def list_appliances():
    if len(ARGS) != 2 or ARGS[1] != 'VirtualAppliance':
        reply('Failure', error='Invalid command: ' + LINE)
        return 0
    reply('Success', data=['id:' + a['id'] + '  name:' + a['name'] for a in admin('GET', '/cli/virtual-appliances')])
    return 0


def show_appliance():
    # show VirtualAppliance id=|name=: its attributes as `Key = value` data lines (show job's layout)
    if len(ARGS) != 3 or ARGS[1] != 'VirtualAppliance' or '=' not in ARGS[2]:
        reply('Failure', error='Invalid command: ' + LINE)
        return 0
    key, value = ARGS[2].split('=', 1)
    found = [a for a in admin('GET', '/cli/virtual-appliances') if a.get(key) == value]
    if not found:
        reply('Failure', error='VirtualAppliance with ' + key + ' ' + value + ' not found')
        return 0
    a = found[0]
    reply('Success', data=['Id = ' + a['id'], 'Name = ' + a['name'], 'Repository Id = ' + a['repositoryId']] +
          ['Virtual Machine ' + str(i + 1) + ' = ' + v for i, v in enumerate(a['vmIds'])])
    return 0


def delete_appliance():
    if len(ARGS) != 3 or ARGS[1] != 'VirtualAppliance' or '=' not in ARGS[2]:
        reply('Failure', error='Invalid command: ' + LINE)
        return 0
    key, value = ARGS[2].split('=', 1)
    done = admin('POST', '/cli/delete-virtual-appliance', {key: value})
    if 'error' in done:
        reply('Failure', error='VirtualAppliance with ' + key + ' ' + value + ' not found')
    else:
        reply('Success')
    return 0


def main():
    if ARGS and ARGS[0] == 'exportVirtualAppliance':
        return export_appliance()
    if ARGS and ARGS[0] == 'list':
        return list_appliances()
    if ARGS and ARGS[0] == 'show':
        return show_appliance()
    if ARGS and ARGS[0] == 'delete':
        return delete_appliance()
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
    job_reply(started['jobId'])
    return 0


sys.exit(main())
