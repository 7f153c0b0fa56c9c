# RePoseDM on Market-1501 128x64 (pixel space; 8 GPUs x batch 8).
# Today this is the B1 model: RPA (#5) and PIF guidance (#6) are switched on
# here when they land.
_base_ = ['./market1501_128_b1.py']
