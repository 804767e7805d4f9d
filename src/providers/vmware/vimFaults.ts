// vim25 faults as VendorErrors with the vendor's fault type verbatim (InvalidLogin, NotAuthenticated,
// InvalidPowerState, FileNotFound, ManagedObjectNotFound…). A SOAP fault is HTTP 500 with
// `<soapenv:Fault><faultcode/><faultstring/><detail><XxxFault xsi:type="Xxx">…` (govmomi vim25/soap/error.go);
// a task's error is a LocalizedMethodFault {fault (xsi:type), localizedMessage} (TaskInfo.error).
import { VendorError } from '../../core/errors';
import { XmlElement, child, childText } from './vimXml';
import { VimObject, asObject, isMoRef } from './vimValue';

/** The fault type: the detail element's xsi:type, else its name without the `Fault` suffix vim25 adds. */
function faultType(detailChild: XmlElement | undefined): string {
  if (!detailChild) return 'SystemError';
  return detailChild.xsiType || detailChild.name.replace(/Fault$/, '') || 'SystemError';
}

/** A SOAP Fault element → VendorError(type, [faultstring, …detail morefs]); e.g. InvalidLogin ["Login failure"]. */
export function soapFaultError(fault: XmlElement): VendorError {
  const detail = child(fault, 'detail')?.children[0];
  const params = [childText(fault, 'faultstring')];
  // ManagedObjectNotFound.obj, NotAuthenticated.object…: name the object the server refused.
  for (const c of detail?.children ?? [])
    if (c.attrs.type !== undefined && !c.children.length) params.push(`${c.attrs.type}:${c.text}`);
  return new VendorError(
    faultType(detail),
    params.filter((p) => p !== ''),
  );
}

/** TaskInfo.error (LocalizedMethodFault) → VendorError(fault type, [localizedMessage]). */
export function taskFaultError(error: VimObject): VendorError {
  const fault = asObject(error.fault, 'TaskInfo.error.fault');
  const message = typeof error.localizedMessage === 'string' ? error.localizedMessage : '';
  const params = [message];
  for (const v of Object.values(fault)) if (isMoRef(v)) params.push(`${v.type}:${v.value}`);
  return new VendorError(
    fault._type ?? 'SystemError',
    params.filter((p) => p !== ''),
  );
}
