"""The demo meeting's picture, drawn with Pillow when the demo loads (no file shipped):
a hall seen from the back, rows of people facing a speaker at a lectern."""

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1600, 1000
ALT_TEXT = (
    "Drawing of a meeting hall seen from the back: rows of people facing a speaker under "
    "a blue and yellow banner."
)
WALL, FLOOR, BANNER = (236, 226, 206), (150, 112, 82), (0, 87, 183)
CLOTHES = [(196, 60, 57), (44, 94, 148), (58, 128, 84), (226, 170, 46), (90, 76, 122)]
HAIR = [(40, 30, 24), (92, 60, 36), (170, 130, 80), (120, 120, 120), (20, 20, 20)]


def hall_png() -> bytes:
    rng = random.Random(19)  # a drawing, the same every time
    image = Image.new("RGB", (WIDTH, HEIGHT), WALL)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, WIDTH, HEIGHT), fill=FLOOR)
    draw.rectangle((520, 90, 1080, 190), fill=BANNER)
    draw.rectangle((520, 190, 1080, 230), fill=(255, 213, 0))
    draw.rectangle((760, 330, 840, 560), fill=(110, 80, 60))  # the lectern
    draw.ellipse((770, 250, 830, 310), fill=(150, 104, 76))
    draw.rectangle((765, 305, 835, 360), fill=CLOTHES[1])
    for row, (y, size) in enumerate([(600, 46), (700, 58), (820, 72)]):
        count = 9 + row
        for i in range(count):
            x = (i + 0.5) * WIDTH / count + rng.randint(-12, 12)
            body = rng.choice(CLOTHES)
            draw.rounded_rectangle(
                (x - size, y, x + size, y + size * 2), radius=size // 2, fill=body
            )
            draw.ellipse(
                (x - size * 0.55, y - size, x + size * 0.55, y + size * 0.1), fill=rng.choice(HAIR)
            )
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
