#!/usr/bin/env python3
"""Writes the bundled URDFs from the arms' published parameters.

Run from this folder: `python3 generate.py`. The URDFs are committed; this script documents
where every number comes from and keeps the primitive geometry consistent with the joints.

Geometry is ours: each link gets a cylinder around its joint axis (the actuator housing) and
a cylinder ("bone") towards the next joint, for both visual and collision.
"""
import math

PI = math.pi


def fmt(v):
    return " ".join(f"{x:.10g}" for x in v)


def bone_origin(a, b):
    """Origin (xyz, rpy) of a cylinder whose z axis runs from point a to point b."""
    d = [b[i] - a[i] for i in range(3)]
    length = math.sqrt(sum(x * x for x in d))
    mid = [(a[i] + b[i]) / 2 for i in range(3)]
    ux, uy, uz = (x / length for x in d)
    # Rotate z onto u: pitch about y then roll about x (URDF rpy, R = Rz Ry Rx with yaw 0).
    pitch = math.atan2(ux, math.sqrt(uy * uy + uz * uz))
    roll = math.atan2(-uy, uz)
    return mid, [roll, pitch, 0.0], length


def cylinder(xyz, rpy, radius, length, material):
    return (
        f'    <visual><origin xyz="{fmt(xyz)}" rpy="{fmt(rpy)}"/>'
        f'<geometry><cylinder radius="{radius}" length="{length:.6g}"/></geometry>'
        f'<material name="{material}"/></visual>\n'
        f'    <collision><origin xyz="{fmt(xyz)}" rpy="{fmt(rpy)}"/>'
        f'<geometry><cylinder radius="{radius}" length="{length:.6g}"/></geometry></collision>\n'
    )


def box(xyz, size, material):
    return (
        f'    <visual><origin xyz="{fmt(xyz)}"/><geometry><box size="{fmt(size)}"/></geometry>'
        f'<material name="{material}"/></visual>\n'
        f'    <collision><origin xyz="{fmt(xyz)}"/><geometry><box size="{fmt(size)}"/></geometry></collision>\n'
    )


def inertial(mass, com, ixx, iyy, izz, ixy=0.0, ixz=0.0, iyz=0.0):
    return (
        f'    <inertial><origin xyz="{fmt(com)}" rpy="0 0 0"/><mass value="{mass}"/>'
        f'<inertia ixx="{ixx}" ixy="{ixy}" ixz="{ixz}" iyy="{iyy}" iyz="{iyz}" izz="{izz}"/></inertial>\n'
    )


MATERIALS = """  <material name="shell"><color rgba="0.92 0.92 0.90 1"/></material>
  <material name="joint"><color rgba="0.22 0.23 0.26 1"/></material>
  <material name="accent"><color rgba="0.95 0.55 0.15 1"/></material>
"""


def arm(name, prefix, joints, inertials, radius, comment, extra_links="", extra_joints="", base_extra=""):
    """joints: list of (xyz, rpy, lower, upper, effort, velocity) for the revolute joints, then
    a final fixed flange (xyz, rpy)."""
    out = [f'<?xml version="1.0"?>\n<!-- {comment} -->\n<robot name="{name}">\n', MATERIALS]
    n = len(joints) - 1
    for i in range(n + 1):
        link = f"{prefix}link{i}"
        nxt = joints[i][0]
        body = ""
        if i == 0:
            body += base_extra
        else:
            body += cylinder([0, 0, 0], [0, 0, 0], radius, radius * 2.2, "joint")
        if math.sqrt(sum(x * x for x in nxt)) > 1e-6:
            mid, rpy, length = bone_origin([0, 0, 0], nxt)
            body += cylinder(mid, rpy, radius * 0.85, length, "shell")
        out.append(f'  <link name="{link}">\n{inertials[i]}{body}  </link>\n')
    out.append(f'  <link name="{prefix}link{n + 1}"/>\n')
    for i, (xyz, rpy, lo, hi, eff, vel) in enumerate(joints[:n]):
        out.append(
            f'  <joint name="{prefix}joint{i + 1}" type="revolute">\n'
            f'    <origin xyz="{fmt(xyz)}" rpy="{fmt(rpy)}"/>\n'
            f'    <parent link="{prefix}link{i}"/><child link="{prefix}link{i + 1}"/>\n'
            f'    <axis xyz="0 0 1"/>\n'
            f'    <limit lower="{lo}" upper="{hi}" effort="{eff}" velocity="{vel}"/>\n'
            f'    <dynamics damping="0.1" friction="0.0"/>\n'
            f'  </joint>\n'
        )
    xyz, rpy = joints[n][0], joints[n][1]
    out.append(
        f'  <joint name="{prefix}joint{n + 1}" type="fixed">\n'
        f'    <origin xyz="{fmt(xyz)}" rpy="{fmt(rpy)}"/>\n'
        f'    <parent link="{prefix}link{n}"/><child link="{prefix}link{n + 1}"/>\n'
        f'  </joint>\n'
    )
    out.append(extra_links)
    out.append(extra_joints)
    out.append("</robot>\n")
    return "".join(out)


# --- Franka Emika Panda -------------------------------------------------------------------
# Kinematics: Franka's published (Craig) DH table — d1 = 0.333, d3 = 0.316, a4 = 0.0825,
# a5 = −0.0825, d5 = 0.384, a7 = 0.088, flange d = 0.107 — written as URDF origins.
# Limits: Franka's published joint position, velocity and torque limits.
# Inertials: the identified, physically feasible parameters of Gaz, Cognetti, Oliva,
# Robuffo Giordano and De Luca, "Dynamic identification of the Franka Emika Panda robot with
# retrieval of feasible parameters using penalty-based optimization", IEEE RA-L 4(4), 2019.
PANDA_JOINTS = [
    ([0, 0, 0.333], [0, 0, 0], -2.8973, 2.8973, 87, 2.1750),
    ([0, 0, 0], [-PI / 2, 0, 0], -1.7628, 1.7628, 87, 2.1750),
    ([0, -0.316, 0], [PI / 2, 0, 0], -2.8973, 2.8973, 87, 2.1750),
    ([0.0825, 0, 0], [PI / 2, 0, 0], -3.0718, -0.0698, 87, 2.1750),
    ([-0.0825, 0.384, 0], [-PI / 2, 0, 0], -2.8973, 2.8973, 12, 2.6100),
    ([0, 0, 0], [PI / 2, 0, 0], -0.0175, 3.7525, 12, 2.6100),
    ([0.088, 0, 0], [PI / 2, 0, 0], -2.8973, 2.8973, 12, 2.6100),
    ([0, 0, 0.107], [0, 0, 0], 0, 0, 0, 0),
]
PANDA_INERTIALS = [
    inertial(0.629769, [-0.041018, -0.00014, 0.049974], 0.00315, 0.00388, 0.004285, 8.2904e-07, 0.00015, 8.2299e-06),
    inertial(4.970684, [0.003875, 0.002081, -0.04762], 0.70337, 0.70661, 0.0091170, -0.00013900, 0.019169, 0.0067720),
    inertial(0.646926, [-0.003141, -0.02872, 0.003495], 0.0079620, 0.028110, 0.025995, -0.0039250, 0.010254, 0.00070400),
    inertial(3.228604, [0.027518, 0.039252, -0.066502], 0.037242, 0.036155, 0.010830, -0.0047610, -0.011396, -0.012805),
    inertial(3.587895, [-0.05317, 0.104419, 0.027454], 0.025853, 0.019552, 0.028323, 0.0077960, -0.0013320, 0.0086410),
    inertial(1.225946, [-0.011953, 0.041065, -0.038437], 0.035549, 0.029474, 0.0086270, -0.0021170, -0.0040370, 0.00022900),
    inertial(1.666555, [0.060149, -0.014117, -0.010517], 0.0019640, 0.0043540, 0.0054330, 0.00010900, -0.0011580, 0.00034100),
    inertial(0.7355220, [0.010517, -0.004252, 0.061597], 0.012516, 0.010027, 0.0048150, -0.00042800, -0.0011960, -0.00074100),
]
# The Franka Hand: mass and finger travel from Franka's datasheet (0.73 kg, 2 × 40 mm).
PANDA_HAND = (
    '  <link name="panda_hand">\n'
    + inertial(0.73, [-0.01, 0, 0.03], 0.001, 0.0025, 0.0017)
    + box([0, 0, 0.03], [0.05, 0.2, 0.06], "joint")
    + cylinder([0, 0, -0.005], [0, 0, 0], 0.045, 0.01, "accent")
    + "  </link>\n"
    + '  <link name="panda_leftfinger">\n'
    + inertial(0.015, [0, 0.01, 0.027], 2.375e-06, 2.375e-06, 7.5e-07)
    + box([0, 0.01, 0.028], [0.02, 0.02, 0.05], "shell")
    + "  </link>\n"
    + '  <link name="panda_rightfinger">\n'
    + inertial(0.015, [0, -0.01, 0.027], 2.375e-06, 2.375e-06, 7.5e-07)
    + box([0, -0.01, 0.028], [0.02, 0.02, 0.05], "shell")
    + "  </link>\n"
    + '  <link name="panda_tcp"/>\n'
)
PANDA_HAND_JOINTS = """  <joint name="panda_hand_joint" type="fixed">
    <origin xyz="0 0 0" rpy="0 0 -0.7853981633974483"/>
    <parent link="panda_link8"/><child link="panda_hand"/>
  </joint>
  <joint name="panda_finger_joint1" type="prismatic">
    <origin xyz="0 0 0.0584" rpy="0 0 0"/>
    <parent link="panda_hand"/><child link="panda_leftfinger"/>
    <axis xyz="0 1 0"/>
    <limit lower="0.0" upper="0.04" effort="70" velocity="0.2"/>
    <dynamics damping="0.5" friction="0.0"/>
  </joint>
  <joint name="panda_finger_joint2" type="prismatic">
    <origin xyz="0 0 0.0584" rpy="0 0 0"/>
    <parent link="panda_hand"/><child link="panda_rightfinger"/>
    <axis xyz="0 -1 0"/>
    <limit lower="0.0" upper="0.04" effort="70" velocity="0.2"/>
    <dynamics damping="0.5" friction="0.0"/>
    <mimic joint="panda_finger_joint1" multiplier="1" offset="0"/>
  </joint>
  <joint name="panda_tcp_joint" type="fixed">
    <origin xyz="0 0 0.1034" rpy="0 0 0"/>
    <parent link="panda_hand"/><child link="panda_tcp"/>
  </joint>
"""
PANDA_BASE = cylinder([0, 0, 0.07], [0, 0, 0], 0.08, 0.14, "joint")

# --- KUKA LBR iiwa 14 R820 ----------------------------------------------------------------
# Kinematics and limits: KUKA's published dimensions as written in the iiwa_stack URDF
# (0.1575 + 0.2025, 0.42, 0.4, 0.126 + 0.045 flange); velocity limits 85/85/100/75/130/135/135
# °/s; torque 320/320/176/176/110/40/40 N·m. Inertials: iiwa_stack's CAD estimates.
D = math.radians
IIWA_JOINTS = [
    ([0, 0, 0.1575], [0, 0, 0], -D(170), D(170), 320, D(85)),
    ([0, 0, 0.2025], [PI / 2, 0, PI], -D(120), D(120), 320, D(85)),
    ([0, 0.2045, 0], [PI / 2, 0, PI], -D(170), D(170), 176, D(100)),
    ([0, 0, 0.2155], [PI / 2, 0, 0], -D(120), D(120), 176, D(75)),
    ([0, 0.1845, 0], [-PI / 2, PI, 0], -D(170), D(170), 110, D(130)),
    ([0, 0, 0.2155], [PI / 2, 0, 0], -D(120), D(120), 40, D(135)),
    ([0, 0.081, 0], [-PI / 2, PI, 0], -D(175), D(175), 40, D(135)),
    ([0, 0, 0.045], [0, 0, 0], 0, 0, 0, 0),
]
IIWA_INERTIALS = [
    inertial(5.0, [-0.1, 0, 0.07], 0.05, 0.06, 0.03),
    inertial(4.0, [0, -0.03, 0.12], 0.1, 0.09, 0.02),
    inertial(4.0, [0.0003, 0.059, 0.042], 0.05, 0.018, 0.044),
    inertial(3.0, [0, 0.03, 0.13], 0.08, 0.075, 0.01),
    inertial(2.7, [0, 0.067, 0.034], 0.03, 0.01, 0.029),
    inertial(1.7, [0.0001, 0.021, 0.076], 0.02, 0.018, 0.005),
    inertial(1.8, [0, 0.0006, 0.0004], 0.005, 0.0036, 0.0047),
    inertial(0.3, [0, 0, 0.02], 0.001, 0.001, 0.001),
]

# --- Kinova Gen3 (7 DoF) ------------------------------------------------------------------
# Kinematics: Kinova's published Gen3 frame offsets as written in kortex_description.
# Limits: ±∞ for joints 1, 3, 5, 7 in the original (continuous); written here as ±2π so every
# tool sees revolute joints. Inertials: rounded from kortex_description.
GEN3_JOINTS = [
    ([0, 0, 0.15643], [PI, 0, 0], -2 * PI, 2 * PI, 39, 1.3963),
    ([0, 0.005375, -0.12838], [PI / 2, 0, 0], -2.41, 2.41, 39, 1.3963),
    ([0, -0.21038, -0.006375], [-PI / 2, 0, 0], -2 * PI, 2 * PI, 39, 1.3963),
    ([0, 0.006375, -0.21038], [PI / 2, 0, 0], -2.66, 2.66, 39, 1.3963),
    ([0, -0.20843, -0.006375], [-PI / 2, 0, 0], -2 * PI, 2 * PI, 9, 1.2218),
    ([0, 0.00017505, -0.10593], [PI / 2, 0, 0], -2.23, 2.23, 9, 1.2218),
    ([0, -0.10593, -0.00017505], [-PI / 2, 0, 0], -2 * PI, 2 * PI, 9, 1.2218),
    ([0, 0, -0.061525], [PI, 0, 0], 0, 0, 0, 0),
]
GEN3_INERTIALS = [
    inertial(1.697, [-0.000648, -0.000166, 0.084487], 0.004622, 0.004495, 0.002079),
    inertial(1.377, [-2.3e-05, -0.010364, -0.07336], 0.00457, 0.004831, 0.001409),
    inertial(1.1636, [-4.4e-05, -0.09958, -0.013278], 0.011088, 0.001072, 0.011255),
    inertial(1.1636, [-4.4e-05, -0.006641, -0.117892], 0.010932, 0.011127, 0.001043),
    inertial(0.9302, [-1.8e-05, -0.075478, -0.015006], 0.008147, 0.000631, 0.008316),
    inertial(0.6781, [1e-06, -0.009432, -0.063883], 0.001596, 0.001607, 0.000399),
    inertial(0.6781, [1e-06, -0.045483, -0.00965], 0.001641, 0.000410, 0.001641),
    inertial(0.364, [-9.3e-05, 0.000132, -0.022905], 0.000214, 0.000223, 0.00024),
]

if __name__ == "__main__":
    with open("panda.urdf", "w") as f:
        f.write(
            arm(
                "panda",
                "panda_",
                PANDA_JOINTS,
                PANDA_INERTIALS,
                0.06,
                "Franka Emika Panda, 7 DoF + parallel gripper, written for armtutor from published "
                "parameters (see generate.py). Primitive geometry only.",
                extra_links=PANDA_HAND,
                extra_joints=PANDA_HAND_JOINTS,
                base_extra=PANDA_BASE,
            )
        )
    with open("kuka_iiwa14.urdf", "w") as f:
        f.write(
            arm("iiwa14", "iiwa_", IIWA_JOINTS, IIWA_INERTIALS, 0.065,
                "KUKA LBR iiwa 14 R820, 7 DoF, written for armtutor from published parameters "
                "(see generate.py). Primitive geometry only.",
                base_extra=cylinder([0, 0, 0.075], [0, 0, 0], 0.09, 0.15, "joint"))
        )
    with open("kinova_gen3.urdf", "w") as f:
        f.write(
            arm("gen3", "gen3_", GEN3_JOINTS, GEN3_INERTIALS, 0.045,
                "Kinova Gen3, 7 DoF, written for armtutor from published parameters "
                "(see generate.py). Primitive geometry only.",
                base_extra=cylinder([0, 0, 0.06], [0, 0, 0], 0.05, 0.12, "joint"))
        )
