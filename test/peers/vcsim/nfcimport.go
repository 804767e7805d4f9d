package main

// OVF import that lands: govmomi 0.24.2's ResourcePool.ImportVApp creates the VM and an HttpNfcLease, but its NFC
// handler sends every uploaded byte to ioutil.Discard (simulator/http_nfc_lease.go ServeNFC), so an imported VM's disks
// stay empty. The launcher keeps vcsim's ImportVApp, CreateImportSpec and lease, and only takes the upload itself: a
// PUT/POST to /nfc/<lease>/<file> of an import lease is written into the datastore directory (the extent
// `<disk>-flat.vmdk` vcsim created beside each disk descriptor — the file ExportVm serves back), through a temporary
// file renamed once the whole body arrived. On HttpNfcLeaseAbort the VM the import created is destroyed, as the API
// reference says (HttpNfcLease: "If the lease belongs to an import session, all objects created during the import are
// removed when the lease enters this state"); vcsim 0.24.2 leaves it registered.

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

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type importLease struct {
	files map[string]string // file name in the lease URL → local file the bytes go to
	disks []string          // datastore paths of the imported VM's disks (to find the VM on abort)
}

var (
	importMu     sync.Mutex
	importLeases = map[string]*importLease{}
)

type importVAppCall struct {
	FileNames []string `xml:"spec>configSpec>deviceChange>device>backing>fileName"`
}

// importVApp lets vcsim answer ImportVApp and records, for the lease it returns, where each uploaded file belongs:
// vcsim names the lease's files by the base name of each device backing (resource_pool.go ImportVApp), the same
// backings the request's import spec carries.
func (x *extensions) importVApp(w http.ResponseWriter, r *http.Request, body []byte) {
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	x.next.ServeHTTP(rec, r)
	copyRecorded(w, rec)
	if rec.Code != http.StatusOK {
		return
	}
	var reply struct {
		Lease string `xml:"Body>ImportVAppResponse>returnval"`
	}
	var call struct {
		Call importVAppCall `xml:"Body>ImportVApp"`
	}
	if xml.Unmarshal(rec.Body.Bytes(), &reply) != nil || reply.Lease == "" || xml.Unmarshal(body, &call) != nil {
		return
	}
	l := &importLease{files: map[string]string{}}
	for _, name := range call.Call.FileNames {
		local := datastoreFile(name)
		if local == "" {
			continue
		}
		if strings.HasSuffix(local, ".vmdk") {
			l.disks = append(l.disks, name)
			if flat := strings.TrimSuffix(local, ".vmdk") + "-flat.vmdk"; fileExists(flat) {
				local = flat
			}
		}
		var p object.DatastorePath
		p.FromString(name)
		l.files[path.Base(p.Path)] = local
	}
	importMu.Lock()
	importLeases[reply.Lease] = l
	importMu.Unlock()
}

// serveImport writes an upload to an import lease's file (false: not an import lease of the launcher's). A body cut
// short of its Content-Length leaves the file as it was.
func serveImport(w http.ResponseWriter, r *http.Request) bool {
	p := strings.Split(strings.TrimPrefix(r.URL.Path, "/nfc/"), "/")
	if len(p) != 2 || (r.Method != http.MethodPut && r.Method != http.MethodPost) {
		return false
	}
	importMu.Lock()
	l := importLeases[p[0]]
	importMu.Unlock()
	if l == nil {
		return false
	}
	target, ok := l.files[p[1]]
	if !ok {
		http.NotFound(w, r)
		return true
	}
	tmp := target + ".upload"
	f, err := os.Create(tmp)
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return true
	}
	n, err := io.Copy(f, r.Body)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && r.ContentLength >= 0 && n != r.ContentLength {
		err = fmt.Errorf("%d of %d bytes", n, r.ContentLength)
	}
	if err != nil {
		_ = os.Remove(tmp)
		log.Printf("nfc %s %s: %v", r.Method, target, err)
		w.WriteHeader(http.StatusInternalServerError)
		return true
	}
	if err := os.Rename(tmp, target); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return true
	}
	log.Printf("nfc %s %s: %d bytes written", r.Method, target, n)
	w.WriteHeader(http.StatusOK)
	return true
}

// endImport forgets an import lease after vcsim completed or aborted it; on abort the imported VM is destroyed
// (Destroy_Task through vcsim, with the caller's session).
func (x *extensions) endImport(r *http.Request, lease string, aborted bool) {
	importMu.Lock()
	l := importLeases[lease]
	delete(importLeases, lease)
	importMu.Unlock()
	if l == nil || !aborted || len(l.disks) == 0 {
		return
	}
	for _, e := range simulator.Map.All("VirtualMachine") {
		vm, ok := e.(*simulator.VirtualMachine)
		if !ok || !hasDisk(vm, l.disks[0]) {
			continue
		}
		probe := httptest.NewRequest(http.MethodPost, "/sdk", strings.NewReader(envelope(fmt.Sprintf(
			`<Destroy_Task xmlns="urn:vim25"><_this type="VirtualMachine">%s</_this></Destroy_Task>`, vm.Self.Value))))
		for _, c := range r.Cookies() {
			probe.AddCookie(c)
		}
		probe.Header.Set("Content-Type", "text/xml")
		rec := httptest.NewRecorder()
		x.next.ServeHTTP(rec, probe)
		log.Printf("vcsim launcher: import lease %s aborted: destroyed %s (%d)", lease, vm.Self.Value, rec.Code)
		return
	}
}

func hasDisk(vm *simulator.VirtualMachine, dsPath string) bool {
	found := false
	simulator.Map.WithLock(vm, func() {
		if vm.Config == nil {
			return
		}
		for _, d := range object.VirtualDeviceList(vm.Config.Hardware.Device).SelectByType((*types.VirtualDisk)(nil)) {
			if b, ok := d.GetVirtualDevice().Backing.(types.BaseVirtualDeviceFileBackingInfo); ok && b.GetVirtualDeviceFileBackingInfo().FileName == dsPath {
				found = true
			}
		}
	})
	return found
}
