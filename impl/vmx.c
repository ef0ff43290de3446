/*
 * The VMX module's C primitives over the VMCSInit layer, as a hypervisor would write them.
 *
 * The save area VMX_LOC is the layer's global: TOTAL_CPU save areas of VMX_SIZE 32-bit slots each
 * (slot i of CPU c at byte 152*c + 4*i). It is declared with an unknown first dimension so that
 * TOTAL_CPU is not compiled in. get_CPU_ID, vmcs_readz and vmcs_writez are the underlay's
 * primitives, called as external functions.
 */

#define VMX_SIZE                 38
#define VMX_G_RIP                14
#define VMX_EXIT_REASON          27
#define VMX_EXIT_QUALIFICATION   28
#define VMX_LAUNCHED             31

#define VMCS_GUEST_RIP           0x681E
#define VMCS_EXIT_REASON         0x4402
#define VMCS_EXIT_QUALIFICATION  0x6400

extern unsigned int VMX_LOC[][VMX_SIZE];

extern unsigned int get_CPU_ID(void);
extern unsigned int vmcs_readz(unsigned int enc);
extern void vmcs_writez(unsigned int enc, unsigned int value);

/* Slot i of the current CPU's save area; an index outside [0, VMX_SIZE) reads nothing. */
unsigned int vmx_readz(unsigned int i)
{
    if (i >= VMX_SIZE)
        return 0;
    return VMX_LOC[get_CPU_ID()][i];
}

/* Slot i of the current CPU's save area := value; an index outside [0, VMX_SIZE) writes nothing. */
void vmx_writez(unsigned int i, unsigned int value)
{
    if (i >= VMX_SIZE)
        return;
    VMX_LOC[get_CPU_ID()][i] = value;
}

/* Before entering the guest: the VMCS resumes it at the RIP kept in the save area. */
void vmx_enter_pre(void)
{
    unsigned int cpu = get_CPU_ID();
    vmcs_writez(VMCS_GUEST_RIP, VMX_LOC[cpu][VMX_G_RIP]);
}

/* After a VM exit: copy where and why the guest stopped into the save area, and mark it launched. */
void vmx_exit_post(void)
{
    unsigned int cpu = get_CPU_ID();
    unsigned int rip = vmcs_readz(VMCS_GUEST_RIP);
    unsigned int reason = vmcs_readz(VMCS_EXIT_REASON);
    unsigned int qualification = vmcs_readz(VMCS_EXIT_QUALIFICATION);
    VMX_LOC[cpu][VMX_G_RIP] = rip;
    VMX_LOC[cpu][VMX_EXIT_REASON] = reason;
    VMX_LOC[cpu][VMX_EXIT_QUALIFICATION] = qualification;
    VMX_LOC[cpu][VMX_LAUNCHED] = 1;
}
