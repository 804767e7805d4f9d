package main

// OvfManager.CreateDescriptor, which govmomi 0.24.2's simulator does not serve (simulator/ovf_manager.go has only
// CreateImportSpec; upstream HEAD neither). Written from the vSphere Web Services API reference (OvfManager.
// CreateDescriptor(obj, cdp): "the client must already have downloaded the files … information about these files
// is part of the descriptor"; OvfCreateDescriptorParams.ovfFiles: deviceId, path, size; the result's ovfDescriptor)
// and the DMTF OVF 1.x envelope (References, DiskSection, NetworkSection, VirtualSystem with its
// VirtualHardwareSection of CIM RASD items). The items written are exactly those vcsim's own CreateImportSpec reads
// back (ResourceType 3 CPU, 4 memory, 5 IDE and 6 SCSI controller, 10 network, 17 disk), so an exported descriptor
// imports into vcsim again.

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

type ovfFileParam struct {
	DeviceID string `xml:"deviceId"`
	Path     string `xml:"path"`
	Size     int64  `xml:"size"`
}

type descriptorParams struct {
	OvfFiles    []ovfFileParam `xml:"ovfFiles"`
	Name        string         `xml:"name"`
	Description string         `xml:"description"`
	// exportOption (API reference, OvfCreateDescriptorParams.exportOption, since vSphere 5.1: options from
	// OvfManager.ovfExportOption): "mac" writes each NIC's MAC address (rasd:Address).
	ExportOption []string `xml:"exportOption"`
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&quot;")
}

// nicKind: the name vcsim's CreateEthernetCard takes for a NIC type (object/virtual_device_list.go EthernetCardTypes).
func nicKind(d types.BaseVirtualDevice) string {
	switch d.(type) {
	case *types.VirtualE1000e:
		return "E1000e"
	case *types.VirtualVmxnet3:
		return "VmxNet3"
	case *types.VirtualVmxnet2:
		return "VmxNet2"
	case *types.VirtualPCNet32:
		return "PCNet32"
	default:
		return "E1000"
	}
}

// networkName of a NIC: its network's name (a standard port group's device name, a DV port group's name).
func networkName(d types.BaseVirtualDevice) string {
	switch b := d.GetVirtualDevice().Backing.(type) {
	case *types.VirtualEthernetCardNetworkBackingInfo:
		return b.DeviceName
	case *types.VirtualEthernetCardDistributedVirtualPortBackingInfo:
		for _, e := range simulator.Map.All("DistributedVirtualPortgroup") {
			if pg, ok := e.(*simulator.DistributedVirtualPortgroup); ok && pg.Key == b.Port.PortgroupKey {
				return pg.Name
			}
		}
	}
	return ""
}

// createDescriptor builds the OVF descriptor of vm: one disk per VirtualDisk, in the order ExportVm lists them (so
// the n-th disk's deviceId is the lease's "/<vm>/disk:<n>" key), each pointing at the ovfFiles entry with that
// deviceId (default file names "<name>-disk-<n>.vmdk" when ovfFiles is unset: the API's "dry run").
func createDescriptor(vm *simulator.VirtualMachine, p descriptorParams) string {
	var devices object.VirtualDeviceList
	var numCPU int32
	var memMB int32
	var guest, version string
	simulator.Map.WithLock(vm, func() {
		devices = object.VirtualDeviceList(vm.Config.Hardware.Device)
		numCPU, memMB, guest, version = vm.Config.Hardware.NumCPU, vm.Config.Hardware.MemoryMB, vm.Config.GuestId, vm.Config.Version
	})
	name := p.Name
	if name == "" {
		name = vm.Name
	}
	if version == "" {
		version = "vmx-13"
	}
	withMacs := false
	for _, o := range p.ExportOption {
		withMacs = withMacs || o == "mac"
	}
	var refs, disks, items strings.Builder
	networks := []string{}
	seenNet := map[string]bool{}
	instance := 1
	next := func() int { instance++; return instance }
	fmt.Fprintf(&items, `<Item><rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits><rasd:ElementName>%d virtual CPU(s)</rasd:ElementName><rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceType>3</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>`, numCPU, next(), numCPU)
	fmt.Fprintf(&items, `<Item><rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits><rasd:ElementName>%dMB of memory</rasd:ElementName><rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceType>4</rasd:ResourceType><rasd:VirtualQuantity>%d</rasd:VirtualQuantity></Item>`, memMB, next(), memMB)
	controllers := map[int32]int{} // device key → InstanceID, for the controllers that hold disks
	n := 0
	for _, d := range devices.SelectByType((*types.VirtualDisk)(nil)) {
		disk := d.(*types.VirtualDisk)
		if _, isFile := disk.Backing.(types.BaseVirtualDeviceFileBackingInfo); !isFile {
			continue
		}
		ckey := disk.ControllerKey
		if _, ok := controllers[ckey]; !ok {
			c := devices.FindByKey(ckey)
			id := next()
			controllers[ckey] = id
			switch c.(type) {
			case *types.VirtualIDEController:
				fmt.Fprintf(&items, `<Item><rasd:Address>%d</rasd:Address><rasd:ElementName>IDE %d</rasd:ElementName><rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceType>5</rasd:ResourceType></Item>`, c.(*types.VirtualIDEController).BusNumber, c.(*types.VirtualIDEController).BusNumber, id)
			default:
				kind := devices.Type(c)
				bus := int32(0)
				if sc, ok := c.(types.BaseVirtualSCSIController); ok {
					bus = sc.GetVirtualSCSIController().BusNumber
				}
				fmt.Fprintf(&items, `<Item><rasd:Address>%d</rasd:Address><rasd:ElementName>SCSI controller %d</rasd:ElementName><rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceSubType>%s</rasd:ResourceSubType><rasd:ResourceType>6</rasd:ResourceType></Item>`, bus, bus, id, esc(kind))
			}
		}
		deviceID := fmt.Sprintf("/%s/%s:%d", vm.Self.Value, devices.Type(disk), n)
		href, size := fmt.Sprintf("%s-disk-%d.vmdk", name, n), int64(0)
		for _, f := range p.OvfFiles {
			if f.DeviceID == deviceID {
				href, size = f.Path, f.Size
			}
		}
		fmt.Fprintf(&refs, `<File ovf:href="%s" ovf:id="file%d" ovf:size="%d"/>`, esc(href), n+1, size)
		fmt.Fprintf(&disks, `<Disk ovf:capacity="%d" ovf:capacityAllocationUnits="byte * 2^10" ovf:diskId="vmdisk%d" ovf:fileRef="file%d" ovf:format="http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized"/>`, disk.CapacityInKB, n+1, n+1)
		unit := int32(0)
		if disk.UnitNumber != nil {
			unit = *disk.UnitNumber
		}
		fmt.Fprintf(&items, `<Item><rasd:AddressOnParent>%d</rasd:AddressOnParent><rasd:ElementName>Hard disk %d</rasd:ElementName><rasd:HostResource>ovf:/disk/vmdisk%d</rasd:HostResource><rasd:InstanceID>%d</rasd:InstanceID><rasd:Parent>%d</rasd:Parent><rasd:ResourceType>17</rasd:ResourceType></Item>`, unit, n+1, n+1, next(), controllers[ckey])
		n++
	}
	for i, d := range devices.Select(func(d types.BaseVirtualDevice) bool { _, nic := d.(types.BaseVirtualEthernetCard); return nic }) {
		net := networkName(d)
		if net == "" {
			continue
		}
		if !seenNet[net] {
			seenNet[net] = true
			networks = append(networks, net)
		}
		address := ""
		if withMacs {
			address = `<rasd:Address>` + esc(d.(types.BaseVirtualEthernetCard).GetVirtualEthernetCard().MacAddress) + `</rasd:Address>`
		}
		fmt.Fprintf(&items, `<Item>%s<rasd:AddressOnParent>%d</rasd:AddressOnParent><rasd:AutomaticAllocation>true</rasd:AutomaticAllocation><rasd:Connection>%s</rasd:Connection><rasd:ElementName>Network adapter %d</rasd:ElementName><rasd:InstanceID>%d</rasd:InstanceID><rasd:ResourceSubType>%s</rasd:ResourceSubType><rasd:ResourceType>10</rasd:ResourceType></Item>`, address, i+7, esc(net), i+1, next(), nicKind(d))
	}
	var nets strings.Builder
	for _, net := range networks {
		fmt.Fprintf(&nets, `<Network ovf:name="%s"><Description>The %s network</Description></Network>`, esc(net), esc(net))
	}
	if guest == "" {
		guest = "otherGuest"
	}
	return xml.Header + `<Envelope xmlns="http://schemas.dmtf.org/ovf/envelope/1" xmlns:ovf="http://schemas.dmtf.org/ovf/envelope/1" xmlns:rasd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData" xmlns:vssd="http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData" xmlns:vmw="http://www.vmware.com/schema/ovf" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<References>` + refs.String() + `</References>` +
		`<DiskSection><Info>Virtual disk information</Info>` + disks.String() + `</DiskSection>` +
		`<NetworkSection><Info>The list of logical networks</Info>` + nets.String() + `</NetworkSection>` +
		`<VirtualSystem ovf:id="` + esc(name) + `"><Info>A virtual machine</Info><Name>` + esc(name) + `</Name>` +
		`<OperatingSystemSection ovf:id="1" vmw:osType="` + esc(guest) + `"><Info>The kind of installed guest operating system</Info></OperatingSystemSection>` +
		`<VirtualHardwareSection><Info>Virtual hardware requirements</Info><System><vssd:ElementName>Virtual Hardware Family</vssd:ElementName><vssd:InstanceID>0</vssd:InstanceID><vssd:VirtualSystemIdentifier>` + esc(name) + `</vssd:VirtualSystemIdentifier><vssd:VirtualSystemType>` + esc(version) + `</vssd:VirtualSystemType></System>` +
		items.String() + `</VirtualHardwareSection></VirtualSystem></Envelope>`
}
