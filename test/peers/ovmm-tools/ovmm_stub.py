#!/usr/bin/python3
# Stubs of the Oracle VM Manager host tools (guide §12.1.2.3, §12.1.4): BackupDatabase, RestoreDatabase.sh and the
# service script, driving the REST lab (test/lab/ovm) through its admin hook. What each behaviour follows, or that it is
# assumed, is in README.md. Run as `ovmm_stub.py <tool> <args…>` by the wrappers ovmmTools.ts installs.
import json
import lab_admin
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CFG = json.load(open(os.path.join(HERE, 'ovmm-lab.json')))
DATA_ITEMS = ['appfw', 'ibdata1', 'ib_logfile0', 'ib_logfile1', 'mysql', 'ovs', 'performance_schema']
STATE_FILE = 'ovm-lab-state.json'


def log_call(tool, argv):
    # What `ps` shows for this process (its /proc cmdline): the tests check no password is in it.
    with open('/proc/self/cmdline', 'rb') as f:
        cmdline = f.read().replace(b'\0', b' ').decode('utf-8', 'replace').strip()
    with open(CFG['log'], 'a') as f:
        f.write(json.dumps({'tool': tool, 'argv': argv, 'cmdline': cmdline, 'time': time.time()}) + '\n')


def admin(method, path, body=None):
    return lab_admin.admin(CFG['admin'], method, path, body)


def services():
    try:
        return json.load(open(CFG['services']))
    except FileNotFoundError:
        return {'ovmcli': True, 'ovmm': True, 'ovmm_mysql': True}


def save_services(s):
    tmp = CFG['services'] + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(s, f)
    os.replace(tmp, CFG['services'])


def installed_version():
    for line in open(CFG['config']):
        if line.startswith('BUILDID='):
            return line.strip().split('=', 1)[1]
    return ''


def read_line(prompt):
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    return line.rstrip('\n') if line else None


# ---------------------------------------------------------------- BackupDatabase (§12.1.2.3)
def backup_database(args):
    if '-h' in args:
        print('Usage: BackupDatabase [-w] [-h] [--insecure]')
        print('  -w          wait for the backup job to finish')
        print('  --insecure  do not verify the SSL certificate')
        return 0
    wait = '-w' in args
    user = read_line('Enter your OVM Manager username: ')
    password = read_line('Enter your OVM Manager password: ')
    print()
    if not user or password is None:
        print('ERROR: no credentials given')  # *assumed*
        return 1
    stamp = time.strftime('%m%d%Y_%H%M%S')
    reply = admin('POST', '/backup-job', {'username': user, 'password': password, 'dbbackup': CFG['dbbackup'],
                                          'stamp': stamp, 'version': installed_version(),
                                          'uid': os.getuid(), 'gid': os.getgid()})
    if 'error' in reply:
        print('ERROR: ' + reply['error'])  # *assumed* wording
        return 1
    dest, job_id = reply['destination'], reply['jobId']
    print('INFO:  Backup job starting with destination:')
    print('        ' + dest)
    print()
    print("        Job Id   = 'Start Backup to: ManualBackup(%s) " % job_id)
    print("        Uri: https://localhost:7002/ovm/core/wsapi/rest/Job/%s'" % job_id)
    print("        Job Name = 'Start Backup to: ManualBackup'")
    print()
    sys.stdout.flush()
    if not wait:
        return 0
    while True:
        job = admin('GET', '/job/' + job_id)
        if job['summaryDone']:
            break
        time.sleep(0.05)
    if job['jobRunState'] != 'SUCCESS':
        print('ERROR: Backup job failed: ' + (job.get('error') or {}).get('message', ''))  # *assumed* wording
        return 1
    print('INFO:  Backup job finished')
    return 0


# ---------------------------------------------------------------- RestoreDatabase.sh (§12.1.4 step 3)
def restore_database(args):
    skip = '--skipversionchecks' in args
    names = [a for a in args if a != '--skipversionchecks']
    if len(names) != 1:
        print('Usage: RestoreDatabase.sh [--skipversionchecks] <backup directory name>')  # *assumed*
        return 1
    name = names[0]
    if '/' in name or name in ('.', '..'):
        print('ERROR: give the backup directory name only, not a path')  # *assumed*
        return 1
    backup = os.path.join(CFG['dbbackup'], name)
    if not os.path.isdir(backup):
        print('ERROR: Backup directory %s does not exist' % backup)  # *assumed*
        return 1
    s = services()
    if s.get('ovmm_mysql') or s.get('ovmm'):
        print('ERROR: OVM Manager and its database must be stopped before a restore')  # *assumed*
        return 1
    meta = {}
    for line in open(os.path.join(backup, 'meta', 'backup_variables.txt')):
        if '=' in line:
            k, v = line.strip().split('=', 1)
            meta[k] = v
    mine, theirs = installed_version(), meta.get('ovm_version', '')
    if theirs != mine and not skip:
        # §12.1.4: the script stops with a warning on a version mismatch. The wording and exit status are *assumed*.
        print('WARNING: The backup %s was taken from OVM Manager version %s, this is version %s.' % (name, theirs, mine))
        print('WARNING: Restoring it could leave OVM Manager unusable. Restore aborted.')
        print('WARNING: Use --skipversionchecks to bypass this check.')
        return 2
    data = CFG['datadir']
    print('Before the database can be restored, ')
    print('  the following database directories/files must be deleted:')
    print(' '.join(DATA_ITEMS))
    print()
    answer = read_line('Are you sure it is safe to delete these directories/files now? [y,n] ')
    print()
    if (answer or '').strip().lower() != 'y':
        print('The database directories/files must be deleted before the restore can continue.')  # *assumed*
        return 1
    for item in DATA_ITEMS:
        p = os.path.join(data, item)
        print('Deleting directory ' + p)
        if os.path.isdir(p):
            shutil.rmtree(p)
        elif os.path.exists(p):
            os.remove(p)
    sys.stdout.flush()
    print('INFO: Expanding the backup image...')
    print('INFO: Applying logs to the backup snapshot...')
    print('INFO: Restoring the backup...')
    sys.stdout.flush()
    if CFG.get('restoreDelay'):
        time.sleep(CFG['restoreDelay'])
    for item in DATA_ITEMS:
        p = os.path.join(data, item)
        if item.startswith('ib'):
            open(p, 'w').close()
        else:
            os.makedirs(p, exist_ok=True)
    shutil.copyfile(os.path.join(backup, 'datadir', STATE_FILE), os.path.join(data, 'ovs', STATE_FILE))
    print('INFO: Restoring OVM keystores and certificates')
    print('INFO: Success - Done!')
    print('INFO: Log of operations performed is available at:')
    print(' ' + os.path.join(backup, 'Restore.log'))
    with open(os.path.join(backup, 'Restore.log'), 'w') as f:
        f.write('restored %s\n' % name)
    print()
    print()
    print('IMPORTANT:')
    print()
    print("      As 'root', please start the OVM Manager database and application using:")
    print('            service ovmm_mysql start; service ovmm start; service ovmcli start')
    return 0


# ---------------------------------------------------------------- service (§12.1.4 steps 2 and 4)
def service(args):
    if len(args) != 2 or args[0] not in ('ovmcli', 'ovmm', 'ovmm_mysql') or args[1] not in ('start', 'stop', 'status'):
        print('Usage: service < option > | --status-all | [ service_name [ command | --full-restart ] ]')
        return 1
    name, action = args
    s = services()
    if action == 'status':
        print('%s is %s' % (name, 'running' if s.get(name) else 'stopped'))  # *assumed* wording
        return 0 if s.get(name) else 3  # LSB: 3 = program is not running
    state_file = os.path.join(CFG['datadir'], 'ovs', STATE_FILE)
    if name == 'ovmm' and action == 'stop' and s.get('ovmm'):
        # The Manager's inventory lives in its database: what the lab holds goes there, then the Manager goes down.
        state = admin('GET', '/state')
        with open(state_file, 'w') as f:
            json.dump(state, f)
        admin('POST', '/serving', {'on': False})
    if name == 'ovmm' and action == 'start' and not s.get('ovmm'):
        if not s.get('ovmm_mysql'):
            print('Starting OVM Manager: database ovmm_mysql is not running [FAILED]')  # *assumed*
            return 1
        with open(state_file) as f:
            admin('PUT', '/state', json.load(f))
        admin('POST', '/serving', {'on': True})
        admin('POST', '/restart', {'ms': CFG.get('startingMs', 500)})
    s[name] = action == 'start'
    save_services(s)
    print('%s %s: [  OK  ]' % ('Starting' if action == 'start' else 'Stopping', name))  # *assumed* wording
    return 0


def main():
    tool, args = sys.argv[1], sys.argv[2:]
    log_call(tool, args)
    fn = {'BackupDatabase': backup_database, 'RestoreDatabase.sh': restore_database, 'service': service}[tool]
    sys.exit(fn(args))


if __name__ == '__main__':
    main()
