"""Writes the small synthetic test images that OpenCV cannot produce itself (run once; output is committed).

cmyk.jpg: a 64x64 JPEG in CMYK (Adobe, inverted) with four colour quadrants:
red top-left, green top-right, blue bottom-left, white bottom-right.
Requires Pillow.
"""
import os, sys
from PIL import Image

out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Tests", "FaceKitTests", "Fixtures")
img = Image.new("RGB", (64, 64))
for x in range(64):
    for y in range(64):
        img.putpixel((x, y), [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)][(y >= 32) * 2 + (x >= 32)])
img.convert("CMYK").save(os.path.join(out, "cmyk.jpg"), quality=95)
