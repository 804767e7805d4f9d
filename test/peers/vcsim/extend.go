package main

// vSphere methods that govmomi 0.24.2's simulator does not implement, served in front of its /sdk handler, written
// from the vSphere Web Services API reference (vim25): VirtualMachineSnapshot.RenameSnapshot,
// VirtualMachine.ConsolidateVMDisks_Task, Task.CancelTask, and OVF export/import (VirtualMachine.ExportVm,
// VirtualMachineSnapshot.ExportSnapshot and their leases: nfc.go; OvfManager.CreateDescriptor: ovf.go; uploads to
// ImportVApp's lease that land in the datastore: nfcimport.go). Everything else, and every request without a valid
// session (so NotAuthenticated and ManagedObjectNotFound come from vcsim itself), passes through unchanged.
// The simulator's Go methods cannot be extended by wrapping its objects (its own code type-asserts
// *simulator.VirtualMachine on registry lookups), hence the HTTP layer.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/simulator/esx"
	"github.com/vmware/govmomi/vim25/types"
)

type moref struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type soapCall struct {
	XMLName     xml.Name
	This        moref            `xml:"_this"`
	Name        *string          `xml:"name"`
	Description *string          `xml:"description"`
	MaxObjects  *int             `xml:"options>maxObjects"`
	MaxUpdates  *int             `xml:"options>maxObjectUpdates"`
	Version     *string          `xml:"version"`
	Token       string           `xml:"token"`
	Path        *string          `xml:"path"`
	Obj         moref            `xml:"obj"`
	Cdp         descriptorParams `xml:"cdp"`
	Lease       string           `xml:"-"`
}

type extensions struct {
	next   http.Handler
	taskMs int
	leases *leaseConfig
	mu     sync.Mutex
	cancel map[string]func()   // running cancellable tasks by moref value
	pages  map[string][][]byte // RetrievePropertiesEx results not yet fetched, by token
	tokens int
	rests  map[string]*updateRest // WaitForUpdatesEx answers not yet handed out, by truncated data version
}

func extend(next http.Handler, taskMs int, leases *leaseConfig) http.Handler {
	x := &extensions{next: next, taskMs: taskMs, leases: leases, cancel: map[string]func(){}, pages: map[string][][]byte{}, rests: map[string]*updateRest{}}
	return http.HandlerFunc(x.serve)
}

func (x *extensions) serve(w http.ResponseWriter, r *http.Request) {
	// NFC URLs are token-based, no session (as upstream's ServeNFC): the launcher's export leases and import uploads.
	if strings.HasPrefix(r.URL.Path, "/nfc/") && (serveExport(w, r) || serveImport(w, r)) {
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/sdk" {
		x.next.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	_ = r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	call, ok := parseCall(body)
	if !ok || !x.authenticated(r) || !x.dispatch(w, r, body, call) {
		x.next.ServeHTTP(w, r)
		if ok && refreshesLayout[call.XMLName.Local] {
			fixFileLayout()
		}
		if ok && call.XMLName.Local == "RegisterVM_Task" && call.Path != nil {
			registeredNics(*call.Path)
		}
	}
}

// refreshesLayout: methods after which 0.24.2 rebuilds a VM's layoutEx.file (snapshot.go and folder.go call
// RefreshStorageInfo) with the VM's files at the datastore root — virtual_machine.go RefreshStorageInfo names each file
// by its bare name, dropping the VM's directory — so they are corrected again, as at start (main.go fixFileLayout).
// vcsim's tasks end before the call returns, so the layout is fixed before the client can read it.
var refreshesLayout = map[string]bool{"CreateSnapshot_Task": true, "RemoveSnapshot_Task": true, "RemoveAllSnapshots_Task": true, "RevertToSnapshot_Task": true, "RegisterVM_Task": true}

// dispatch answers the extension methods; false leaves the request to vcsim (unknown method or object).
func (x *extensions) dispatch(w http.ResponseWriter, r *http.Request, body []byte, c *soapCall) bool {
	obj := simulator.Map.Get(types.ManagedObjectReference{Type: c.This.Type, Value: c.This.Value})
	switch c.XMLName.Local {
	case "RetrievePropertiesEx":
		if c.MaxObjects == nil || *c.MaxObjects <= 0 {
			return false
		}
		return x.retrievePaged(w, r, body, *c.MaxObjects)
	case "ContinueRetrievePropertiesEx":
		x.mu.Lock()
		rest, ok := x.pages[c.Token]
		delete(x.pages, c.Token)
		x.mu.Unlock()
		if !ok {
			// API reference, ContinueRetrievePropertiesEx: InvalidArgument "if the token is not valid".
			writeFault(w, "A specified parameter was not correct: token", "InvalidArgument")
			return true
		}
		x.writePage(w, "ContinueRetrievePropertiesEx", rest)
	case "WaitForUpdatesEx":
		if c.MaxUpdates == nil {
			return false // vcsim answers: the whole update set at once
		}
		return x.waitTruncated(w, r, body, c)
	case "CancelRetrievePropertiesEx":
		x.mu.Lock()
		delete(x.pages, c.Token)
		x.mu.Unlock()
		writeResponse(w, "CancelRetrievePropertiesEx", "")
	case "RemoveSnapshot_Task":
		if snap, ok := obj.(*simulator.VirtualMachineSnapshot); ok {
			forgetCurrentRoot(snap)
		}
		return false // vcsim removes it
	case "RenameSnapshot":
		snap, ok := obj.(*simulator.VirtualMachineSnapshot)
		if !ok {
			return false
		}
		renameSnapshot(snap, c.Name, c.Description)
		writeResponse(w, "RenameSnapshot", "")
	case "ConsolidateVMDisks_Task":
		vm, ok := obj.(*simulator.VirtualMachine)
		if !ok {
			return false
		}
		task := x.consolidate(vm)
		writeResponse(w, "ConsolidateVMDisks_Task", fmt.Sprintf(`<returnval type="Task">%s</returnval>`, task.Value))
	case "RegisterVM_Task":
		if c.Path != nil {
			registrationFiles(*c.Path, c.Name)
		}
		return false // vcsim registers it
	case "ExportVm", "ExportSnapshot":
		var vm *simulator.VirtualMachine
		var snap *simulator.VirtualMachineSnapshot
		switch o := obj.(type) {
		case *simulator.VirtualMachine:
			vm = o
		case *simulator.VirtualMachineSnapshot:
			snap = o
			vm, _ = simulator.Map.Get(o.Vm).(*simulator.VirtualMachine)
		}
		if vm == nil || (c.XMLName.Local == "ExportSnapshot") != (snap != nil) {
			return false // vcsim answers: ManagedObjectNotFound or MethodNotFound
		}
		lease, fault := newExportLease(vm, snap, x.leases)
		if fault != nil {
			// API reference, VirtualMachine.ExportVm: InvalidPowerState "if the virtual machine is powered on".
			writeFaultDetail(w, "The attempted operation cannot be performed in the current state (Powered on).", "InvalidPowerState",
				"<requestedState>poweredOff</requestedState><existingState>poweredOn</existingState>")
			return true
		}
		writeResponse(w, c.XMLName.Local, fmt.Sprintf(`<returnval type="HttpNfcLease">%s</returnval>`, lease.Self.Value))
	case "CreateDescriptor":
		if c.This.Type != "OvfManager" {
			return false
		}
		vm, ok := simulator.Map.Get(types.ManagedObjectReference{Type: c.Obj.Type, Value: c.Obj.Value}).(*simulator.VirtualMachine)
		if !ok {
			writeFaultDetail(w, fmt.Sprintf("managed object not found: %s:%s", c.Obj.Type, c.Obj.Value), "ManagedObjectNotFound",
				fmt.Sprintf(`<obj type="%s">%s</obj>`, esc(c.Obj.Type), esc(c.Obj.Value)))
			return true
		}
		var desc bytes.Buffer
		_ = xml.EscapeText(&desc, []byte(createDescriptor(vm, c.Cdp)))
		writeResponse(w, "CreateDescriptor", "<returnval><ovfDescriptor>"+desc.String()+"</ovfDescriptor></returnval>")
	case "ImportVApp":
		x.importVApp(w, r, body)
	case "HttpNfcLeaseComplete", "HttpNfcLeaseAbort":
		if _, mine := exportLeases.Load(c.This.Value); mine {
			return false // the launcher's export lease: vcsim calls its methods (nfc.go)
		}
		rec := x.recordNext(r, body)
		copyRecorded(w, rec)
		if rec.Code == http.StatusOK {
			x.endImport(r, c.This.Value, c.XMLName.Local == "HttpNfcLeaseAbort")
		}
	case "CancelTask":
		task, ok := obj.(*simulator.Task)
		if !ok {
			return false
		}
		x.mu.Lock()
		cancel := x.cancel[task.Self.Value]
		x.mu.Unlock()
		switch {
		case cancel != nil:
			cancel()
			writeResponse(w, "CancelTask", "")
		case task.Info.State == types.TaskInfoStateSuccess || task.Info.State == types.TaskInfoStateError:
			// API reference, Task.CancelTask: InvalidState "if the task is already completed".
			writeFault(w, "The operation is not allowed in the current state.", "InvalidState")
		default:
			// API reference, Task.CancelTask: NotSupported "if the task is not cancelable".
			writeFault(w, "The operation is not supported on the object.", "NotSupported")
		}
	default:
		return false
	}
	return true
}

// registrationFiles creates, next to a .vmx being registered, the empty `vmware.log` and `<name>.nvram` vcsim 0.24.2
// opens on RegisterVM_Task (virtual_machine.go create → createFile with register=true: NotFound without them), when
// they are missing. vSphere registers a VM from its .vmx alone (API reference, Folder.RegisterVM_Task: "path — a
// datastore path to the virtual machine"); the log is the VM's own output and the NVRAM file is created at power-on.
func registrationFiles(dsPath string, name *string) {
	var p object.DatastorePath
	if !p.FromString(dsPath) || path.Ext(p.Path) != ".vmx" {
		return
	}
	vmName := path.Dir(p.Path)
	if name != nil && *name != "" {
		vmName = *name
	}
	for _, e := range simulator.Map.All("Datastore") {
		ds, ok := e.(*simulator.Datastore)
		if !ok || ds.Name != p.Datastore {
			continue
		}
		vmx := path.Join(ds.Info.GetDatastoreInfo().Url, p.Path)
		if _, err := os.Stat(vmx); err != nil {
			continue
		}
		for _, f := range []string{"vmware.log", vmName + ".nvram"} {
			file := path.Join(path.Dir(vmx), path.Base(f))
			if _, err := os.Stat(file); os.IsNotExist(err) {
				_ = os.WriteFile(file, nil, 0o600)
			}
		}
	}
}

// registeredNics gives the VM vcsim 0.24.2 has just registered from `dsPath` the NICs its .vmx declares. ESX(i) builds a
// registered VM's devices from its .vmx (API reference, Folder.RegisterVM_Task: the VM is added "from the
// configuration file"); vcsim's registerVM (simulator/folder.go) creates it from an empty ConfigSpec, without NICs, so
// a ReconfigVM_Task `edit` of a NIC (simulator/virtual_machine.go configureDevices: InvalidDeviceSpec for an unknown
// key) could not be tested. Each `ethernet<N>` whose `present` is not FALSE and that names a `networkName` becomes a
// VirtualE1000 (simulator/esx/virtual_device.go EthernetCard) with key 4000+N and PCI unit 7+N (*assumed*: the keys and
// units ESX gives, as vcsim's own NICs have) on the first standard Network of that name (any datacenter: *assumed*,
// the lab has one), MAC from `ethernet<N>.address`/`generatedAddress`. A .vmx that cannot be read adds nothing.
func registeredNics(dsPath string) {
	var p object.DatastorePath
	if !p.FromString(dsPath) || path.Ext(p.Path) != ".vmx" {
		return
	}
	var vm *simulator.VirtualMachine
	for _, e := range simulator.Map.All("VirtualMachine") {
		if v, ok := e.(*simulator.VirtualMachine); ok && v.Config != nil && v.Config.Files.VmPathName == dsPath {
			vm = v
		}
	}
	var text []byte
	for _, e := range simulator.Map.All("Datastore") {
		if ds, ok := e.(*simulator.Datastore); ok && ds.Name == p.Datastore {
			text, _ = os.ReadFile(path.Join(ds.Info.GetDatastoreInfo().Url, p.Path))
		}
	}
	if vm == nil || text == nil {
		return
	}
	opts := map[string]string{}
	for _, line := range strings.Split(string(text), "\n") {
		k, v, ok := strings.Cut(line, "=")
		if ok {
			opts[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(v), `"`)
		}
	}
	simulator.Map.WithLock(vm, func() {
		devices := append([]types.BaseVirtualDevice{}, vm.Config.Hardware.Device...)
		networks := append([]types.ManagedObjectReference{}, vm.Network...)
		for n := 0; n < 10; n++ {
			eth := fmt.Sprintf("ethernet%d", n)
			name, ok := opts[eth+".networkname"]
			if !ok || strings.EqualFold(opts[eth+".present"], "false") {
				continue
			}
			var network *types.ManagedObjectReference
			for _, e := range simulator.Map.All("Network") {
				if e.Entity().Name == name {
					ref := e.Reference()
					network = &ref
					break
				}
			}
			if network == nil {
				continue
			}
			card := esx.EthernetCard
			card.Key = int32(4000 + n)
			card.UnitNumber = types.NewInt32(int32(7 + n))
			card.MacAddress = opts[eth+".address"]
			if card.MacAddress == "" {
				card.MacAddress = opts[eth+".generatedaddress"]
			}
			if card.MacAddress == "" {
				registeredMacs++
				card.MacAddress = fmt.Sprintf("00:50:56:%02x:%02x:%02x", 0x3f, (registeredMacs>>8)&0xff, registeredMacs&0xff)
			}
			card.Backing = &types.VirtualEthernetCardNetworkBackingInfo{
				VirtualDeviceDeviceBackingInfo: types.VirtualDeviceDeviceBackingInfo{DeviceName: name},
				Network:                        network,
			}
			card.DeviceInfo = &types.Description{Label: fmt.Sprintf("Network adapter %d", n+1), Summary: name}
			devices = append(devices, &card)
			networks = append(networks, *network)
		}
		simulator.Map.Update(vm, []types.PropertyChange{
			{Name: "config.hardware.device", Val: devices},
			{Name: "network", Val: networks},
		})
	})
}

// registeredMacs numbers the MACs registeredNics generates.
var registeredMacs int

// consolidate runs ConsolidateVMDisks_Task asynchronously in 20 progress steps over taskMs; cancelable, and a
// cancelled task ends in state error with RequestCanceled (as vSphere reports a cancelled task). On success the
// VM's runtime.consolidationNeeded becomes false.
func (x *extensions) consolidate(vm *simulator.VirtualMachine) types.ManagedObjectReference {
	stop := make(chan struct{})
	var once sync.Once
	step := time.Duration(x.taskMs) * time.Millisecond / 20
	task := simulator.CreateTask(vm, "consolidateVMDisks", func(t *simulator.Task) (types.AnyType, types.BaseMethodFault) {
		for i := 1; i <= 20; i++ {
			select {
			case <-stop:
				simulator.Map.WithLock(t, func() {
					simulator.Map.Update(t, []types.PropertyChange{{Name: "info.cancelled", Val: true}})
				})
				return nil, &types.RequestCanceled{}
			case <-time.After(step):
			}
			progress := int32(i * 5)
			simulator.Map.WithLock(t, func() {
				simulator.Map.Update(t, []types.PropertyChange{{Name: "info.progress", Val: progress}})
			})
		}
		// Through Map.Update, so WaitForUpdatesEx watchers see the change. The value is a bool, not a *bool:
		// mo.assignValue dereferences the field's type and panics on a pointer value.
		simulator.Map.WithLock(vm, func() {
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "runtime.consolidationNeeded", Val: false}})
		})
		return nil, nil
	})
	task.Info.Cancelable = true
	x.mu.Lock()
	x.cancel[task.Self.Value] = func() { once.Do(func() { close(stop) }) }
	x.mu.Unlock()
	go func() {
		// A panic here would kill the whole simulator (no net/http recover on this goroutine).
		defer func() {
			if r := recover(); r != nil {
				log.Printf("vcsim launcher: %s panicked: %v", task.Self.Value, r)
			}
		}()
		task.Run()
		x.mu.Lock()
		delete(x.cancel, task.Self.Value)
		x.mu.Unlock()
	}()
	return task.Self
}

func renameSnapshot(snap *simulator.VirtualMachineSnapshot, name, description *string) {
	vm, ok := simulator.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() {
		if vm.Snapshot == nil {
			return
		}
		if node := findSnapshot(vm.Snapshot.RootSnapshotList, snap.Self); node != nil {
			if name != nil {
				node.Name = *name
			}
			if description != nil {
				node.Description = *description
			}
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "snapshot.rootSnapshotList", Val: vm.Snapshot.RootSnapshotList}})
		}
	})
}

// forgetCurrentRoot works around a 0.24.2 panic (snapshot.go:134: removing the current snapshot when it is a root
// with children sets snapshot.currentSnapshot to a nil parent, which Map.Update cannot assign; the request's
// connection is dropped). A removed current snapshot's parent becomes current (API reference, RemoveSnapshot_Task);
// a root has none, so the VM is left without a current snapshot before vcsim removes it.
func forgetCurrentRoot(snap *simulator.VirtualMachineSnapshot) {
	vm, ok := simulator.Map.Get(snap.Vm).(*simulator.VirtualMachine)
	if !ok {
		return
	}
	simulator.Map.WithLock(vm, func() {
		if vm.Snapshot == nil || vm.Snapshot.CurrentSnapshot == nil || *vm.Snapshot.CurrentSnapshot != snap.Self {
			return
		}
		for _, root := range vm.Snapshot.RootSnapshotList {
			if root.Snapshot == snap.Self {
				vm.Snapshot.CurrentSnapshot = nil
				return
			}
		}
	})
}

func findSnapshot(list []types.VirtualMachineSnapshotTree, ref types.ManagedObjectReference) *types.VirtualMachineSnapshotTree {
	for i := range list {
		if list[i].Snapshot == ref {
			return &list[i]
		}
		if n := findSnapshot(list[i].ChildSnapshotList, ref); n != nil {
			return n
		}
	}
	return nil
}

// authenticated asks vcsim itself whether the request's session is valid: CurrentTime needs a session there.
func (x *extensions) authenticated(r *http.Request) bool {
	probe := httptest.NewRequest(http.MethodPost, "/sdk", strings.NewReader(envelope(
		`<CurrentTime xmlns="urn:vim25"><_this type="ServiceInstance">ServiceInstance</_this></CurrentTime>`)))
	for _, c := range r.Cookies() {
		probe.AddCookie(c)
	}
	probe.Header.Set("Content-Type", "text/xml")
	rec := httptest.NewRecorder()
	x.next.ServeHTTP(rec, probe)
	return rec.Code == http.StatusOK
}

func parseCall(body []byte) (*soapCall, bool) {
	var env struct {
		Body struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"Body"`
	}
	if xml.Unmarshal(body, &env) != nil {
		return nil, false
	}
	var c soapCall
	if xml.Unmarshal(bytes.TrimSpace(env.Body.Inner), &c) != nil {
		return nil, false
	}
	return &c, true
}

func envelope(body string) string {
	return xml.Header + `<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
		body + `</soapenv:Body></soapenv:Envelope>`
}

func writeResponse(w http.ResponseWriter, method, inner string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, envelope(fmt.Sprintf(`<%sResponse xmlns="urn:vim25">%s</%sResponse>`, method, inner, method)))
}

func writeFault(w http.ResponseWriter, message, fault string) {
	writeFaultDetail(w, message, fault, "")
}

// writeFaultDetail: a SOAP fault whose detail element carries the fault's fields (already-escaped XML).
func writeFaultDetail(w http.ResponseWriter, message, fault, fields string) {
	var msg bytes.Buffer
	_ = xml.EscapeText(&msg, []byte(message))
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, envelope(fmt.Sprintf(`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring><detail><%sFault xmlns="urn:vim25" xsi:type="%s">%s</%sFault></detail></soapenv:Fault>`,
		msg.String(), fault, fault, fields, fault)))
}

// retrievePaged serves RetrievePropertiesEx with options.maxObjects the way the API reference describes it (0.24.2
// ignores maxObjects and never pages): vcsim answers the whole result, and it is handed out maxObjects at a time,
// each page but the last with a token for ContinueRetrievePropertiesEx.
func (x *extensions) retrievePaged(w http.ResponseWriter, r *http.Request, body []byte, max int) bool {
	rec := x.recordNext(r, body)
	objects, ok := splitObjects(rec.Body.Bytes())
	if rec.Code != http.StatusOK || !ok {
		copyRecorded(w, rec)
		return true
	}
	pages := inParts(objects, max, func(o [][]byte) []byte { return bytes.Join(o, nil) })
	if len(pages) == 0 {
		copyRecorded(w, rec)
		return true
	}
	x.writePage(w, "RetrievePropertiesEx", pages)
	return true
}

// recordNext lets vcsim answer the request (its body already read into `body`) into a recorder.
func (x *extensions) recordNext(r *http.Request, body []byte) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	x.next.ServeHTTP(rec, r)
	return rec
}

// inParts cuts items into runs of at most max (the last may be shorter), each made into one part by join.
func inParts[T any](items []T, max int, join func([]T) []byte) [][]byte {
	var parts [][]byte
	for len(items) > 0 {
		n := max
		if n > len(items) {
			n = len(items)
		}
		parts = append(parts, join(items[:n]))
		items = items[n:]
	}
	return parts
}

// writePage answers with pages[0], and a token for the remaining pages if any.
func (x *extensions) writePage(w http.ResponseWriter, method string, pages [][]byte) {
	token := ""
	if len(pages) > 1 {
		x.mu.Lock()
		x.tokens++
		token = fmt.Sprintf("vcsim-page-%d", x.tokens)
		x.pages[token] = pages[1:]
		x.mu.Unlock()
		token = "<token>" + token + "</token>"
	}
	writeResponse(w, method, "<returnval>"+token+string(pages[0])+"</returnval>")
}

// splitObjects returns each <objects> element of a RetrievePropertiesEx reply as raw bytes.
func splitObjects(reply []byte) ([][]byte, bool) {
	dec := xml.NewDecoder(bytes.NewReader(reply))
	var out [][]byte
	depth, start := 0, int64(-1)
	for {
		before := dec.InputOffset()
		tok, err := dec.Token()
		if err == io.EOF {
			return out, true
		}
		if err != nil {
			return nil, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if t.Name.Local == "objects" && depth == 5 { // Envelope > Body > Response > returnval > objects
				start = before
			}
		case xml.EndElement:
			if t.Name.Local == "objects" && depth == 5 && start >= 0 {
				out = append(out, append([]byte(nil), reply[start:dec.InputOffset()]...))
				start = -1
			}
			depth--
		}
	}
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
