"""Drives the XAPI lab with Citrix's XenAPI.py (Debian python3-os-xenapi) over XML-RPC, as a script of a real pool's
admin would. Reads LAB_URL, LAB_USER, LAB_PASSWORD from the environment (never the command line); prints one JSON
object with what it saw, for test/thirdparty/xenapiPy.test.ts to assert on."""
import json
import os
import time
import xml.etree.ElementTree as ET

from os_xenapi.client import XenAPI

url, user, password = os.environ['LAB_URL'], os.environ['LAB_USER'], os.environ['LAB_PASSWORD']
out = {}

# a wrong password: xapi's SESSION_AUTHENTICATION_FAILED reaches the caller as XenAPI.Failure
bad = XenAPI.Session(url)
try:
    bad.xenapi.login_with_password(user, password + '-wrong', '2.21', 'lab-thirdparty')
    out['bad_login'] = None
except XenAPI.Failure as f:
    out['bad_login'] = f.details

session = XenAPI.Session(url)
session.xenapi.login_with_password(user, password, '2.21', 'lab-thirdparty')
x = session.xenapi
out['api_version'] = session.API_version

records = x.VM.get_all_records()
out['vm_count'] = len(records)
normal = [(r, v) for r, v in records.items() if not v['is_a_template'] and not v['is_control_domain']]
running = [(r, v) for r, v in normal if v['power_state'] == 'Running']
ref, vm = running[0]
out['types'] = {
    'memory_static_max': type(vm['memory_static_max']).__name__,
    'is_a_template': type(vm['is_a_template']).__name__,
    'other_config': type(vm['other_config']).__name__,
    'VBDs': type(vm['VBDs']).__name__,
    'snapshot_time': type(vm['snapshot_time']).__name__,
}
out['has_fields'] = all(k in vm for k in ('VUSBs', 'VGPUs', 'version', 'bios_strings', 'allowed_operations', 'current_operations'))

snap = x.VM.snapshot(ref, 'py-snap')
srec = x.VM.get_record(snap)
out['snapshot'] = {
    'power_state': srec['power_state'], 'is_a_snapshot': srec['is_a_snapshot'], 'is_a_template': srec['is_a_template'],
    'snapshot_of_matches': srec['snapshot_of'] == ref, 'snapshot_info': srec['snapshot_info'],
    'other_config': srec['other_config'], 'source_other_config': vm['other_config'],
}

task = x.Async.VM.snapshot(ref, 'py-async')
polls = 0
while x.task.get_status(task) == 'pending':
    polls += 1
    time.sleep(0.05)
trec = x.task.get_record(task)
result_ref = ET.fromstring(trec['result']).text
out['async'] = {
    'status': trec['status'], 'progress': trec['progress'],
    'result_name': x.VM.get_name_label(result_ref), 'result_is_snapshot': x.VM.get_is_a_snapshot(result_ref),
}
x.task.destroy(task)
x.task.create('left for events', '')

try:
    x.VM.get_record('OpaqueRef:00000000-0000-0000-0000-000000000000')
    out['handle_invalid'] = None
except XenAPI.Failure as f:
    out['handle_invalid'] = f.details

try:
    x.VM.start(ref, False, False)
    out['bad_power_state'] = None
except XenAPI.Failure as f:
    out['bad_power_state'] = f.details

batch = x.event.__getattr__('from')(['vm', 'task'], '', 0.1)  # `from` is a Python keyword
vm_events = [e for e in batch['events'] if e['class'] == 'vm' and e['operation'] == 'mod']
task_events = [e for e in batch['events'] if e['class'] == 'task']
out['event_from'] = {
    'token': batch['token'], 'vm_count': batch['valid_ref_counts']['vm'], 'has_vm_mods': len(vm_events) > 0,
    'memory_type': type(vm_events[0]['snapshot']['memory_static_max']).__name__,
    'progress_type': type(task_events[0]['snapshot']['progress']).__name__ if task_events else None,
}

this_host = x.session.get_this_host(session.handle)
out['this_host_is_master'] = this_host == x.pool.get_master(x.pool.get_all()[0])
methods = session.system.listMethods()['Value']  # a bare ServerProxy call: xapi's Status struct
out['lists_event_from'] = 'event.from' in methods and 'Async.VM.snapshot' in methods

handle = session.handle
session.xenapi.session.logout()
raw = XenAPI.Session(url)
resp = getattr(raw, 'VM.get_all')(handle)  # the bare XML-RPC reply after logout
out['after_logout'] = resp
print(json.dumps(out))
