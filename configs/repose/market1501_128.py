# RePoseDM on Market-1501 128x64 (pixel space; 8 GPUs x batch 8).
# Today this is B2 (Recurrent Pose Alignment); PIF guidance (#6) is switched
# on here when it lands.
_base_ = ['./market1501_128_b2.py']
