// vimhelper: the VCB lab's only way into vSphere. The stub tools (test/lab/vcb/tools/*.js) run it for each vSphere
// step a real VCB tool takes (VM lookup, the backup snapshot, datastore file transfer, registration). Built from
// Debian's govmomi client library (golang-github-vmware-govmomi-dev 0.24.2), i.e. VMware's own Go client, and
// deliberately not from the product's vim25 client, so the lab cannot share the product's bugs.
//
// Environment: VIM_URL (https://host:port/sdk), VIM_USER, VIM_PASSWORD (never an argument: ps shows arguments).
// TLS is not verified, as VCB 1.x does by default (guide "SSL 証明書の検証の有効化": verification is off by default).
// Output: JSON on stdout; errors as one line on stderr and exit 1 (the vSphere fault's text verbatim).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strings"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

type disk struct {
	Device string `json:"device"` // scsi0:0, ide0:1
	File   string `json:"file"`   // [ds] dir/name.vmdk
}

type vmInfo struct {
	Moref      string   `json:"moref"`
	Name       string   `json:"name"`
	UUID       string   `json:"uuid"`
	IPAddr     string   `json:"ipaddr"`
	PowerState string   `json:"powerState"`
	Vmx        string   `json:"vmx"`
	Datacenter string   `json:"datacenter"`
	Host       string   `json:"host"`
	Pool       string   `json:"pool"`
	Folder     string   `json:"folder"`
	Disks      []disk   `json:"disks"`
	Snapshots  []string `json:"snapshots"`
}

func main() {
	if len(os.Args) < 2 {
		fail("usage: vimhelper vms|snap-create|snap-remove|get|put|stat|mkdir|register|unregister|folders|pools|hosts …")
	}
	ctx := context.Background()
	u, err := url.Parse(os.Getenv("VIM_URL"))
	if err != nil || u.Host == "" {
		fail("VIM_URL is not a URL")
	}
	u.User = url.UserPassword(os.Getenv("VIM_USER"), os.Getenv("VIM_PASSWORD"))
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		fail(err.Error())
	}
	defer c.Logout(ctx)
	a := os.Args[2:]
	switch os.Args[1] {
	case "vms":
		out(listVms(ctx, c.Client))
	case "snap-create": // moref name description
		need(a, 3)
		vm := object.NewVirtualMachine(c.Client, ref("VirtualMachine", a[0]))
		t, err := vm.CreateSnapshot(ctx, a[1], a[2], false, false)
		check(err)
		check(t.Wait(ctx))
		out("ok")
	case "snap-remove": // moref name: every snapshot of that exact name
		need(a, 2)
		n := 0
		for {
			var m mo.VirtualMachine
			check(property.DefaultCollector(c.Client).RetrieveOne(ctx, ref("VirtualMachine", a[0]), []string{"snapshot"}, &m))
			s := findSnapshot(m.Snapshot, a[1])
			if s == nil {
				break
			}
			t, err := object.NewVirtualMachine(c.Client, ref("VirtualMachine", a[0])).RemoveSnapshot(ctx, s.Value, false, types.NewBool(true))
			check(err)
			check(t.Wait(ctx))
			n++
		}
		out(n)
	case "get": // datacenter "[ds] path" localFile
		need(a, 3)
		ds, p := datastore(ctx, c.Client, a[0], a[1])
		check(ds.DownloadFile(ctx, p, a[2], &soap.DefaultDownload))
		out("ok")
	case "put": // datacenter localFile "[ds] path"
		need(a, 3)
		ds, p := datastore(ctx, c.Client, a[0], a[2])
		check(ds.UploadFile(ctx, a[1], p, &soap.DefaultUpload))
		out("ok")
	case "stat": // datacenter "[ds] path" → true/false
		need(a, 2)
		ds, p := datastore(ctx, c.Client, a[0], a[1])
		_, err := ds.Stat(ctx, p)
		out(err == nil)
	case "mkdir": // datacenter "[ds] path"
		need(a, 2)
		ds, _ := datastore(ctx, c.Client, a[0], a[1])
		dc := datacenter(ctx, c.Client, ds.DatacenterPath)
		err := object.NewFileManager(c.Client).MakeDirectory(ctx, a[1], dc, true)
		if err != nil && !strings.Contains(err.Error(), "already exists") {
			check(err)
		}
		out("ok")
	case "rm": // datacenter "[ds] path"
		need(a, 2)
		ds, _ := datastore(ctx, c.Client, a[0], a[1])
		dc := datacenter(ctx, c.Client, ds.DatacenterPath)
		t, err := object.NewFileManager(c.Client).DeleteDatastoreFile(ctx, a[1], dc)
		check(err)
		check(t.Wait(ctx))
		out("ok")
	case "register": // datacenter "[ds] path.vmx" name folderPath poolPath hostName
		need(a, 6)
		folder := object.NewFolder(c.Client, *byPath(ctx, c.Client, "Folder", a[3]))
		pool := object.NewResourcePool(c.Client, *byPath(ctx, c.Client, "ResourcePool", a[4]))
		var host *object.HostSystem
		if a[5] != "" {
			h := object.NewHostSystem(c.Client, byName(ctx, c.Client, "HostSystem", a[5]))
			host = h
		}
		t, err := folder.RegisterVM(ctx, a[1], a[2], false, pool, host)
		check(err)
		info, err := t.WaitForResult(ctx, nil)
		check(err)
		out(info.Result.(types.ManagedObjectReference).Value)
	case "poweroff": // moref (no-op when already off)
		need(a, 1)
		vm := object.NewVirtualMachine(c.Client, ref("VirtualMachine", a[0]))
		st, err := vm.PowerState(ctx)
		check(err)
		if st != types.VirtualMachinePowerStatePoweredOff {
			t, err := vm.PowerOff(ctx)
			check(err)
			check(t.Wait(ctx))
		}
		out("ok")
	case "unregister": // moref
		need(a, 1)
		check(object.NewVirtualMachine(c.Client, ref("VirtualMachine", a[0])).Unregister(ctx))
		out("ok")
	case "folders":
		out(paths(ctx, c.Client, "Folder", func(e mo.ManagedEntity, childType []string) bool { return contains(childType, "VirtualMachine") }))
	case "pools":
		out(paths(ctx, c.Client, "ResourcePool", nil))
	case "hosts":
		out(paths(ctx, c.Client, "HostSystem", nil))
	default:
		fail("unknown command " + os.Args[1])
	}
}

func listVms(ctx context.Context, c *vim25.Client) []vmInfo {
	var vms []mo.VirtualMachine
	m := view.NewManager(c)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{"VirtualMachine"}, true)
	check(err)
	defer v.Destroy(ctx)
	check(v.Retrieve(ctx, []string{"VirtualMachine"}, []string{"name", "config", "guest", "runtime", "resourcePool", "parent", "snapshot"}, &vms))
	res := []vmInfo{}
	for _, vm := range vms {
		if vm.Config == nil || vm.Config.Template {
			continue
		}
		i := vmInfo{Moref: vm.Self.Value, Name: vm.Name, UUID: vm.Config.Uuid, PowerState: string(vm.Runtime.PowerState), Vmx: vm.Config.Files.VmPathName, Disks: []disk{}, Snapshots: []string{}}
		if vm.Guest != nil {
			i.IPAddr = vm.Guest.IpAddress
		}
		anc, err := mo.Ancestors(ctx, c, c.ServiceContent.PropertyCollector, vm.Self)
		check(err)
		for _, e := range anc {
			if e.Self.Type == "Datacenter" {
				i.Datacenter = e.Name
			}
		}
		if vm.Runtime.Host != nil {
			var h mo.HostSystem
			check(property.DefaultCollector(c).RetrieveOne(ctx, *vm.Runtime.Host, []string{"name"}, &h))
			i.Host = h.Name
		}
		if vm.ResourcePool != nil {
			i.Pool = pathOf(ctx, c, *vm.ResourcePool)
		}
		if vm.Parent != nil {
			i.Folder = pathOf(ctx, c, *vm.Parent)
		}
		controllers := map[int32]string{}
		for _, d := range vm.Config.Hardware.Device {
			switch ctl := d.(type) {
			case types.BaseVirtualSCSIController:
				x := ctl.GetVirtualSCSIController()
				controllers[x.Key] = fmt.Sprintf("scsi%d", x.BusNumber)
			case *types.VirtualIDEController:
				controllers[ctl.Key] = fmt.Sprintf("ide%d", ctl.BusNumber)
			}
		}
		for _, d := range vm.Config.Hardware.Device {
			vd, ok := d.(*types.VirtualDisk)
			if !ok {
				continue
			}
			b, ok := vd.Backing.(types.BaseVirtualDeviceFileBackingInfo)
			if !ok {
				continue
			}
			unit := int32(0)
			if vd.UnitNumber != nil {
				unit = *vd.UnitNumber
			}
			i.Disks = append(i.Disks, disk{Device: fmt.Sprintf("%s:%d", controllers[vd.ControllerKey], unit), File: b.GetVirtualDeviceFileBackingInfo().FileName})
		}
		if vm.Snapshot != nil {
			var walk func([]types.VirtualMachineSnapshotTree)
			walk = func(l []types.VirtualMachineSnapshotTree) {
				for _, s := range l {
					i.Snapshots = append(i.Snapshots, s.Name)
					walk(s.ChildSnapshotList)
				}
			}
			walk(vm.Snapshot.RootSnapshotList)
		}
		res = append(res, i)
	}
	sort.Slice(res, func(a, b int) bool { return res[a].Name < res[b].Name })
	return res
}

// pathOf: "/" + the names of the object's ancestors and its own, as VCB's catalog writes a resource pool
// ("/ha-folder-root/ha-datacenter/host/<host>/Resources", platform-facts §4d).
func pathOf(ctx context.Context, c *vim25.Client, r types.ManagedObjectReference) string {
	anc, err := mo.Ancestors(ctx, c, c.ServiceContent.PropertyCollector, r)
	check(err)
	names := []string{}
	for _, e := range anc {
		names = append(names, e.Name)
	}
	return "/" + strings.Join(names, "/")
}

func paths(ctx context.Context, c *vim25.Client, kind string, keep func(mo.ManagedEntity, []string) bool) []string {
	res := []string{}
	for _, r := range all(ctx, c, kind, nil) {
		if keep != nil {
			var f mo.Folder
			check(property.DefaultCollector(c).RetrieveOne(ctx, r, []string{"name", "childType"}, &f))
			if !keep(f.ManagedEntity, f.ChildType) {
				continue
			}
		}
		res = append(res, pathOf(ctx, c, r))
	}
	sort.Strings(res)
	return res
}

// all: every object of a kind in the inventory, optionally filtered by properties.
func all(ctx context.Context, c *vim25.Client, kind string, filter property.Filter) []types.ManagedObjectReference {
	m := view.NewManager(c)
	v, err := m.CreateContainerView(ctx, c.ServiceContent.RootFolder, []string{kind}, true)
	check(err)
	defer v.Destroy(ctx)
	refs, err := v.Find(ctx, []string{kind}, filter)
	check(err)
	return refs
}

func byPath(ctx context.Context, c *vim25.Client, kind string, p string) *types.ManagedObjectReference {
	for _, r := range all(ctx, c, kind, nil) {
		if pathOf(ctx, c, r) == p {
			rr := r
			return &rr
		}
	}
	fail(fmt.Sprintf("%s %q not found", kind, p))
	return nil
}

func byName(ctx context.Context, c *vim25.Client, kind string, name string) types.ManagedObjectReference {
	refs := all(ctx, c, kind, property.Filter{"name": name})
	if len(refs) != 1 {
		fail(fmt.Sprintf("%s %q not found", kind, name))
	}
	return refs[0]
}

func findSnapshot(info *types.VirtualMachineSnapshotInfo, name string) *types.ManagedObjectReference {
	if info == nil {
		return nil
	}
	var walk func([]types.VirtualMachineSnapshotTree) *types.ManagedObjectReference
	walk = func(l []types.VirtualMachineSnapshotTree) *types.ManagedObjectReference {
		for _, s := range l {
			if r := walk(s.ChildSnapshotList); r != nil {
				return r
			}
			if s.Name == name {
				r := s.Snapshot
				return &r
			}
		}
		return nil
	}
	return walk(info.RootSnapshotList)
}

func datacenter(ctx context.Context, c *vim25.Client, name string) *object.Datacenter {
	return object.NewDatacenter(c, byName(ctx, c, "Datacenter", name))
}

// datastore: the datastore of a "[name] path" and the path inside it; datacenter "" = the datastore's own.
func datastore(ctx context.Context, c *vim25.Client, dc string, dsPath string) (*object.Datastore, string) {
	var p object.DatastorePath
	if !p.FromString(dsPath) {
		fail(fmt.Sprintf("not a datastore path: %q", dsPath))
	}
	ds := object.NewDatastore(c, byName(ctx, c, "Datastore", p.Datastore))
	// Datastore.NewURL sends Name() (the base of InventoryPath) as /folder's dsName: without it vcsim serves only a
	// lone datastore, and the demo's vCenter has two (LocalDS_0, LocalDS_1).
	ds.InventoryPath = p.Datastore
	ds.DatacenterPath = dc
	if dc == "" { // the datastore's own datacenter
		anc, err := mo.Ancestors(ctx, c, c.ServiceContent.PropertyCollector, ds.Reference())
		check(err)
		for _, e := range anc {
			if e.Self.Type == "Datacenter" {
				ds.DatacenterPath = e.Name
			}
		}
	}
	return ds, p.Path
}

func ref(kind, value string) types.ManagedObjectReference {
	return types.ManagedObjectReference{Type: kind, Value: value}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}

func need(a []string, n int) {
	if len(a) < n {
		fail(fmt.Sprintf("%s: %d arguments needed", os.Args[1], n))
	}
}

func out(v interface{}) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func check(err error) {
	if err != nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, strings.ReplaceAll(msg, "\n", " "))
	os.Exit(1)
}
